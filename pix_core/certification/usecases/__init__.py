"""One verb per module; repositories passed in."""
