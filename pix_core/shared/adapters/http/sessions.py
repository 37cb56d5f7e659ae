"""Web sessions: a random id in a cookie, the data server-side (accounts' ``SqlSessionStore``).

Session data: ``user_id`` (int, once logged in), ``csrf`` (token for POST forms); contexts
keep a few more keys (accounts: ``pending`` OIDC logins; campaigns: ``joining``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Protocol

from werkzeug import Request, Response

COOKIE_NAME = "__Host-pix_session"


class SessionStore(Protocol):
    lifetime: timedelta

    def create(self, data: dict[str, Any], now: datetime) -> str: ...

    def replace(self, old_session_id: str | None, data: dict[str, Any], now: datetime
                ) -> str: ...

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


def read_session(request: Request, store: SessionStore, now: datetime
                 ) -> tuple[str | None, dict[str, Any]]:
    """The session named by the request's cookie and its data; ``(None, {})`` without one."""
    session_id = request.cookies.get(COOKIE_NAME)
    if not session_id:
        return None, {}
    data = store.load(session_id, now)
    return (session_id, data) if data is not None else (None, {})
