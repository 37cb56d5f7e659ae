"""Pix's models and rules. No I/O here: no web framework, database, cache or HTTP client."""
