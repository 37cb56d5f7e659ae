"""pix_core's static files under ``/static``, for GET and HEAD only.

Werkzeug's ``SharedDataMiddleware`` answers a file to any method (``DELETE`` or ``POST``
included); here other methods go on to the pages, whose URL map answers them with the
French 404 page.
"""

from __future__ import annotations

from typing import Any

from werkzeug.middleware.shared_data import SharedDataMiddleware

from pix_core.shared.adapters.http.health import READ


class StaticFiles(SharedDataMiddleware):
    """``SharedDataMiddleware`` that serves files to GET and HEAD requests only."""

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("REQUEST_METHOD") not in READ:
            return self.app(environ, start_response)
        return super().__call__(environ, start_response)
