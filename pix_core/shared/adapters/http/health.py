"""``/healthz`` (alive) and ``/readyz`` (the database answers) of pix_core: JSON, 200 or 503."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from werkzeug.wrappers import Response

READ = ("GET", "HEAD")  # the methods probes and static files answer


class HealthEndpoints:
    """WSGI middleware answering the two probes before the application sees them."""

    def __init__(self, app: Any, engine: sa.Engine) -> None:
        self.app = app
        self.engine = engine

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("REQUEST_METHOD") not in READ:  # the app's 404 page, as for any path
            return self.app(environ, start_response)
        path = environ.get("PATH_INFO")
        if path == "/healthz":
            return self._answer({"status": "alive"}, True)(environ, start_response)
        if path == "/readyz":
            database = self._database()
            ready = database["ok"]
            body = {"status": "ready" if ready else "not_ready", "checks": {"database": database}}
            return self._answer(body, ready)(environ, start_response)
        return self.app(environ, start_response)

    def _database(self) -> dict[str, Any]:
        try:
            with self.engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
            return {"ok": True}
        except Exception as error:  # any failure means "not ready"; never the URL
            return {"ok": False, "error": type(error).__name__}

    @staticmethod
    def _answer(body: dict[str, Any], ok: bool) -> Response:
        return Response(json.dumps(body, sort_keys=True), status=200 if ok else 503,
                        content_type="application/json", headers=[("Cache-Control", "no-store")])
