"""The security headers, and a WSGI middleware that sets them on *every* response.

``PixWeb.dispatch`` already sets them on its own responses; ``SharedDataMiddleware``
(``/static``) answers before ``PixWeb`` runs, so ``create_app`` wraps the whole stack.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class SecurityHeaders:
    def __init__(self, app: Callable[..., Iterable[bytes]], headers: Mapping[str, str]) -> None:
        self.app = app
        self.headers = dict(headers)

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        names = {name.lower() for name in self.headers}

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            kept = [(k, v) for k, v in headers if k.lower() not in names]
            return start_response(status, kept + list(self.headers.items()), exc_info)

        return self.app(environ, start)
