"""What every context's pages use: the session and its cookie, CSRF, templates, the login.

A context's pages receive one ``WebKit`` (built by ``create_app``) and their own use cases'
dependencies; they never reach another context's pages. Sending an anonymous visitor to
log in is ``kit.start_login(request, next_path)``: accounts provides it (the GAR login).
A page for logged-in visitors opens with ``kit.signed_in(request, ...)``, which sends an
anonymous one to log in (``LoginRequired``, answered by the dispatcher).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from jinja2 import ChoiceLoader, Environment, PackageLoader
from werkzeug import Request, Response
from werkzeug.utils import redirect

from kernel.clock import Clock
from pix_core.shared.adapters.http.errors import CsrfRejected, ErrorTable
from pix_core.shared.adapters.http.sessions import (
    SessionStore,
    clear_session_cookie,
    read_session,
    set_session_cookie,
)
from pix_core.shared.domain.rate_limit import RateLimiter

BASE_TEMPLATES = "pix_core.shared.adapters.http"  # base.html, error.html

LoginStarter = Callable[[Request, str], Response]
"""``(request, where to come back)`` → the redirect that starts a login."""


class LoginRequired(Exception):  # noqa: N818  a redirect, not an error
    """An anonymous visitor reached a page for logged-in ones: ``response`` sends them to
    log in (``PixWeb.dispatch`` answers it as is)."""

    def __init__(self, response: Response) -> None:
        super().__init__("login required")
        self.response = response


class SignedIn(NamedTuple):
    """A logged-in visitor's session id, session data and user id."""

    session_id: str | None
    data: dict[str, Any]
    user_id: int


@dataclass(frozen=True)
class WebConfig:
    base_url: str
    issuer: str


class Templates:
    """A package's ``templates/`` over the base ones (``{% extends "base.html" %}``)."""

    def __init__(self, package: str) -> None:
        loaders = [PackageLoader(package, "templates")]
        if package != BASE_TEMPLATES:
            loaders.append(PackageLoader(BASE_TEMPLATES, "templates"))
        self.environment = Environment(loader=ChoiceLoader(loaders), autoescape=True)

    def render(self, template: str, status: int = 200, **context: Any) -> Response:
        body = self.environment.get_template(template).render(**context)
        return Response(body, status=status, mimetype="text/html")


class WebKit:
    """The shared services of the pages; one per application."""

    def __init__(self, config: WebConfig, sessions: SessionStore, clock: Clock,
                 limiter: RateLimiter, errors: ErrorTable, start_login: LoginStarter) -> None:
        self.config = config
        self.sessions = sessions
        self.clock = clock
        self.limiter = limiter  # shared by every worker in production (create_app)
        self.errors = errors
        self.start_login = start_login

    def session(self, request: Request) -> tuple[str | None, dict[str, Any]]:
        """The visitor's session id and data (``(None, {})`` without a valid cookie)."""
        return read_session(request, self.sessions, self.clock())

    def signed_in(self, request: Request, *, otherwise: str | None = None,
                  login_then: str | None = None) -> SignedIn:
        """The logged-in visitor; an anonymous one raises ``LoginRequired``: a redirect to
        ``otherwise`` (a login page), or a GAR login that comes back to ``login_then``."""
        session_id, data = self.session(request)
        user_id = user_id_of(data)
        if user_id is not None:
            return SignedIn(session_id, data, user_id)
        if login_then is not None:
            raise LoginRequired(self.start_login(request, login_then))
        raise LoginRequired(redirect(otherwise or "/", code=303))

    def check_csrf(self, request: Request, session_id: str | None, data: dict[str, Any]) -> None:
        """Every POST form carries the session's token; ``CsrfRejected`` otherwise."""
        expected = str(data.get("csrf", ""))
        sent = request.form.get("csrf_token", "")
        if session_id is None or not expected or not hmac.compare_digest(sent, expected):
            raise CsrfRejected()

    def form_session(self, request: Request) -> tuple[str, dict[str, Any], bool]:
        """The session holding the CSRF token of a form; created for anonymous visitors."""
        session_id, data = self.session(request)
        if session_id is not None and data.get("csrf"):
            return session_id, data, False
        data = {**data, "csrf": secrets.token_urlsafe(32)}
        return self.sessions.create(data, self.clock()), data, True

    def with_cookie(self, response: Response, session_id: str | None) -> Response:
        if session_id is not None:
            set_session_cookie(response, session_id, self.sessions.lifetime)
        return response

    def log_in(self, response: Response, old_session_id: str | None, user_id: int,
               **extra: Any) -> Response:
        """``response`` with a new session for ``user_id``: a new id at login (no fixation).
        ``extra``: more session data (e.g. a password to replace before anything else)."""
        new_id = self.sessions.replace(
            old_session_id, {**extra, "user_id": user_id, "csrf": secrets.token_urlsafe(32)},
            self.clock())
        return self.with_cookie(response, new_id)

    def log_out(self, session_id: str | None) -> Response:
        """Forget the session and its cookie; back to the home page."""
        if session_id is not None:
            self.sessions.delete(session_id)
        response = redirect("/", code=303)
        clear_session_cookie(response)
        return response


def user_id_of(data: dict[str, Any]) -> int | None:
    """The logged-in user of a session's data, if any."""
    user_id = data.get("user_id")
    return user_id if isinstance(user_id, int) else None


def no_store(response: Response) -> Response:
    """Pages with personal data are never cached."""
    response.headers["Cache-Control"] = "no-store"
    return response
