"""Account use cases: one verb per module, repositories and clock passed in."""
