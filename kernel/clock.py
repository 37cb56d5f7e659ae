"""Time is passed in: a clock is any callable returning an aware UTC datetime."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

Clock = Callable[[], datetime]
