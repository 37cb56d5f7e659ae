"""A request id that follows a login across the proxy and pix_core (``X-Request-Id``).

Each app takes the id from the request's ``X-Request-Id`` header (when well-formed) or
creates one, keeps it in a context variable for the logs (``pixgar/logging_setup.py``)
and the audit, and returns it in its answer. pix_core sends its id on its back-channel
calls to the proxy (token, userinfo), so both apps log the same id for those steps.
"""

from __future__ import annotations

import contextvars
import re
import uuid

HEADER = "X-Request-Id"
_ENVIRON_KEY = "HTTP_X_REQUEST_ID"
_WELL_FORMED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")  # nothing that could forge a log line

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "pixgar_request_id", default=None)


def current_request_id() -> str | None:
    return _request_id.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """WSGI middleware: set the request id for the request, return it as ``X-Request-Id``."""

    def __init__(self, app) -> None:
        self.app = app

    def __getattr__(self, name):  # the wrapped app's attributes stay reachable
        return getattr(self.app, name)

    def __call__(self, environ, start_response):
        offered = environ.get(_ENVIRON_KEY, "")
        request_id = offered if _WELL_FORMED.match(offered) else new_request_id()
        token = _request_id.set(request_id)

        def start(status, headers, exc_info=None):
            headers = [h for h in headers if h[0].lower() != HEADER.lower()]
            return start_response(status, [*headers, (HEADER, request_id)], exc_info)

        try:
            return self.app(environ, start)
        finally:
            _request_id.reset(token)


def propagate_request_id(session):
    """Make ``session`` (a ``requests.Session``) send the current request id on every call."""
    if getattr(session, "_pixgar_request_id", False):
        return session
    original = session.request

    def request(method, url, *args, headers=None, **kwargs):
        request_id = current_request_id()
        if request_id:
            headers = {**(headers or {}), HEADER: request_id}
        return original(method, url, *args, headers=headers, **kwargs)

    session.request = request
    session._pixgar_request_id = True
    return session
