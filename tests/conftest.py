"""Hooks for every test run: the Redis guard (tests/support/redis_guard.py)."""

from tests.support.redis_guard import (  # noqa: F401  (pytest finds hooks by their names)
    pytest_sessionfinish,
    pytest_sessionstart,
    pytest_terminal_summary,
)
