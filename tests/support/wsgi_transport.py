"""A ``requests`` transport that hands requests to WSGI applications in-process.

Tests mount it on a ``requests.Session`` per origin, so a whole login (browser hops and
pix_core's back-channel calls alike) runs through the real WSGI applications, with real
cookies, redirects and headers, without sockets.
"""

from __future__ import annotations

import io
from http.client import HTTPMessage
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from werkzeug.test import EnvironBuilder, run_wsgi_app


class _RawBody(io.BytesIO):
    """What ``requests`` expects as ``response.raw``: a stream carrying the header message."""

    def __init__(self, body: bytes, message: HTTPMessage) -> None:
        super().__init__(body)
        self._original_response = type("Original", (), {"msg": message})()

    def release_conn(self) -> None:
        """Nothing to release: no connection was made."""


class WsgiAdapter(BaseAdapter):
    """Send every request of a mounted origin to a WSGI application (which may be swapped)."""

    def __init__(self, app: Any) -> None:
        super().__init__()
        self.app = app
        self.requests_seen = 0

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self.requests_seen += 1
        url = urlsplit(request.url or "")
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
        environ = EnvironBuilder(
            method=request.method or "GET",
            base_url=f"{url.scheme}://{url.netloc}",
            path=url.path or "/",
            query_string=url.query,
            headers=headers,
            data=body,
        ).get_environ()
        app_iter, status, response_headers = run_wsgi_app(self.app, environ, buffered=True)
        content = b"".join(app_iter)
        message = HTTPMessage()
        for name, value in response_headers.items():
            message[name] = value
        response = requests.Response()
        response.status_code = int(status.split()[0])
        response.reason = status.partition(" ")[2]
        response.headers = CaseInsensitiveDict(response_headers.items())
        response.raw = _RawBody(content, message)
        response._content = content
        response.url = request.url or ""
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        """Nothing to close."""


def routed_session(apps: dict[str, Any]) -> tuple[requests.Session, dict[str, WsgiAdapter]]:
    """A session whose requests to each origin in ``apps`` go to that WSGI application."""
    session = requests.Session()
    adapters = {}
    for origin, app in apps.items():
        adapters[origin] = WsgiAdapter(app)
        session.mount(origin, adapters[origin])
    return session, adapters
