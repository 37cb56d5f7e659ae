"""Use cases: one verb per module, repositories and clock passed in as arguments."""
