"""Starting a GAR login: the redirect to the proxy, and the pending login kept in the session.

``GarLogin.start`` is the ``LoginStarter`` of the web kit: any page sends an anonymous
visitor here with the path to come back to. The per-login secrets (state, nonce, PKCE
verifier) stay server-side in the session, keyed by state, at most a few (several tabs),
removed on first use: any worker can finish any login.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

from werkzeug import Request, Response
from werkzeug.utils import redirect

from kernel.clock import Clock
from kernel.request_id import current_request_id
from pix_core.accounts.adapters.oidc.port import RelyingParty
from pix_core.accounts.domain.errors import InvalidLoginInitiation
from pix_core.shared.adapters.http.kit import no_store
from pix_core.shared.adapters.http.sessions import (
    SessionStore,
    read_session,
    set_session_cookie,
)

PROFILE_PATH = "/profil"  # evaluation's profile page: where a pupil lands by default
MAX_PENDING_LOGINS = 3


class GarLogin:
    def __init__(self, relying_party: RelyingParty, sessions: SessionStore, clock: Clock) -> None:
        self.rp = relying_party
        self.sessions = sessions
        self.clock = clock

    def start(self, request: Request, next_path: str, login_hint: str | None = None
              ) -> Response:
        """Redirect to the proxy's authorization endpoint; come back to ``next_path``."""
        request_id = current_request_id()  # becomes the login's id (kernel/request_id.py)
        login = self.rp.begin(login_hint, request_id)
        session_id, data = read_session(request, self.sessions, self.clock())
        remember_pending(data, login.pending.state, {**login.pending.to_dict(), "next": next_path,
                                                     "request_id": request_id or ""})
        response = redirect(login.url, code=303)
        if session_id is None:
            data.setdefault("csrf", secrets.token_urlsafe(32))
            session_id = self.sessions.create(data, self.clock())
            set_session_cookie(response, session_id, self.sessions.lifetime)
        else:
            self.sessions.save(session_id, data)
        return no_store(response)


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


def local_path(base_url: str, target: str | None) -> str:
    """Accept only a URL under ``base_url`` (PIX_BASE_URL); return its path (no open redirect)."""
    if not target:
        return PROFILE_PATH
    base, url = urlsplit(base_url), urlsplit(target)
    base_path = base.path.rstrip("/")
    same_origin = (url.scheme, url.netloc) == (base.scheme, base.netloc)
    path = url.path or "/"
    if not same_origin or not (path == base_path or path.startswith(base_path + "/")):
        raise InvalidLoginInitiation("target_not_local")
    if path.startswith("//") or "\\" in path:
        raise InvalidLoginInitiation("target_not_local")
    if path in ("/", base_path, base_path + "/") and not url.query:
        return PROFILE_PATH  # "the app itself": a logged-in pupil lands on the profile
    return path + (f"?{url.query}" if url.query else "")
