"""Web sessions: a random id in a cookie, the data server-side (see ``SqlSessionStore``).

Session data: ``user_id`` (int, once logged in), ``csrf`` (token for POST forms) and
``pending`` (state → pending OIDC login, so a login may finish on any worker).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Protocol

from werkzeug import Response

COOKIE_NAME = "__Host-pix_session"
MAX_PENDING_LOGINS = 3


class SessionStore(Protocol):
    lifetime: timedelta

    def create(self, data: dict[str, Any], now: datetime) -> str: ...

    def load(self, session_id: str, now: datetime) -> dict[str, Any] | None: ...

    def save(self, session_id: str, data: dict[str, Any]) -> None: ...

    def delete(self, session_id: str) -> None: ...


def set_session_cookie(response: Response, session_id: str, lifetime: timedelta) -> None:
    response.set_cookie(
        COOKIE_NAME,
        session_id,
        max_age=int(lifetime.total_seconds()),
        path="/",
        secure=True,
        httponly=True,
        samesite="Lax",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE_NAME, path="/", secure=True, httponly=True, samesite="Lax")


def remember_pending(data: dict[str, Any], state: str, entry: dict[str, str]) -> None:
    """Add a pending login, keeping only the most recent few (several tabs are fine)."""
    pending = dict(data.get("pending") or {})
    pending[state] = entry
    data["pending"] = dict(list(pending.items())[-MAX_PENDING_LOGINS:])


def take_pending(data: dict[str, Any], state: str) -> dict[str, str] | None:
    """Remove and return the pending login for ``state``: a state is good for one try."""
    pending = dict(data.get("pending") or {})
    entry = pending.pop(state, None)
    data["pending"] = pending
    return entry
