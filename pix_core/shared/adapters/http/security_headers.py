"""WSGI middleware: the security headers on *every* response, static files included.

``PixWeb.dispatch`` already sets them on its own responses; ``SharedDataMiddleware``
(``/static``) answers before ``PixWeb`` runs, so ``create_app`` wraps the whole stack.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any


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
