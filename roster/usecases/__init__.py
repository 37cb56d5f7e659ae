"""Roster use cases: one per module, repositories and the clock passed in."""
