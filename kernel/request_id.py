"""A request id that follows a login across the proxy and pix_core (``X-Request-Id``).

Each app takes the id from the request's ``X-Request-Id`` header (when well-formed) or
creates one, keeps it in a context variable for the logs (``kernel/logging_setup.py``)
and the audit, and returns it in its answer.

A login crosses several browser redirects, which carry no custom header. So the id of
the request that starts a login becomes the *login's* id and travels with it:

1. pix_core's ``/connexion/gar`` keeps its id with the pending login (in its session) and
   adds it to the authorization request as ``pixgar_request_id``;
2. the proxy adopts it at its authorization endpoint and keeps it in its state cookie, so
   the GAR round trip (redirect, ACS) logs and audits under the same id;
3. pix_core adopts it again at its callback and sends it as ``X-Request-Id`` on its
   back-channel calls (token, userinfo).

The id is a correlation label, not a secret nor a proof: a browser can send any
well-formed value, which only ever names its own log lines.
"""

from __future__ import annotations

import contextvars
import re
import uuid

HEADER = "X-Request-Id"
LOGIN_PARAMETER = "pixgar_request_id"  # the authorization request's extension parameter
_ENVIRON_KEY = "HTTP_X_REQUEST_ID"
_WELL_FORMED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")  # nothing that could forge a log line

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "pixgar_request_id", default=None)


def current_request_id() -> str | None:
    return _request_id.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


def is_well_formed(value: object) -> bool:
    """True for an id that can go into a log line as is."""
    return isinstance(value, str) and _WELL_FORMED.match(value) is not None


def adopt_request_id(value: object) -> bool:
    """Make ``value`` the id of the rest of this request (a login's id); False if malformed.

    Only inside a request handled by :class:`RequestIdMiddleware`, which restores the
    previous value when the request ends.
    """
    if not is_well_formed(value):
        return False
    _request_id.set(str(value))
    return True


class RequestIdMiddleware:
    """WSGI middleware: set the request id for the request, return it as ``X-Request-Id``."""

    def __init__(self, app) -> None:
        self.app = app

    def __getattr__(self, name):  # the wrapped app's attributes stay reachable
        return getattr(self.app, name)

    def __call__(self, environ, start_response):
        offered = environ.get(_ENVIRON_KEY, "")
        token = _request_id.set(offered if is_well_formed(offered) else new_request_id())

        def start(status, headers, exc_info=None):
            headers = [h for h in headers if h[0].lower() != HEADER.lower()]
            request_id = current_request_id() or ""  # a login's id if the app adopted one
            return start_response(status, [*headers, (HEADER, request_id)], exc_info)

        try:
            return self.app(environ, start)
        finally:
            _request_id.reset(token)
