"""``/healthz`` (the process answers) and ``/readyz`` (it can log someone in) of the proxy.

Served by :class:`proxy.app.ProxyApplication` before SATOSA's routing; JSON, 200 or 503.
Readiness: Redis answers PING, the roster database answers ``SELECT 1``, the GAR metadata
is loaded and not expired, every key file is readable.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from werkzeug.wrappers import Response

logger = logging.getLogger(__name__)

HEALTH_PATHS = frozenset({"/healthz", "/readyz"})


def json_response(body: dict[str, Any], ok: bool) -> Response:
    return Response(json.dumps(body, sort_keys=True), status=200 if ok else 503,
                    content_type="application/json",
                    headers=[("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")])


@functools.cache
def _engine(url: str) -> sa.Engine:
    return sa.create_engine(url, pool_pre_ping=True)


def database_check(url: str) -> dict[str, Any]:
    try:
        with _engine(url).connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        return {"ok": True}
    except Exception as error:  # any failure means "not ready"; never the URL (secrets)
        return {"ok": False, "error": type(error).__name__}


def _checked(name: str, check: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    try:
        return check()
    except Exception as error:
        logger.warning("readiness check %s failed: %s", name, type(error).__name__)
        return {"ok": False, "error": type(error).__name__}


def proxy_health(app: Any, path: str) -> Response:
    """The answer of ``path`` (one of :data:`HEALTH_PATHS`) for a ``ProxyApplication``."""
    if path == "/healthz":
        return json_response({"status": "alive"}, True)
    backend = next(iter(app.module_router.backends.values()))["instance"]
    watcher = getattr(backend, "metadata_watcher", None)
    checks = {
        "redis": _checked("redis", lambda: _redis(backend)),
        "database": _checked("database", lambda: database_check(_database_url(app.config))),
        "metadata": _checked("metadata", lambda: _metadata(watcher)),
        "keys": _checked("keys", lambda: _keys(app.config, backend)),
    }
    ready = all(check["ok"] for check in checks.values())
    return json_response({"status": "ready" if ready else "not_ready", "checks": checks}, ready)


def _redis(backend: Any) -> dict[str, Any]:
    backend.pending._redis.ping()
    return {"ok": True}


def _database_url(config: Any) -> str:
    for service in config["MICRO_SERVICES"]:
        url = service.get("config", {}).get("database_url")
        if url:
            return str(url)
    raise LookupError("no database configured")


def _metadata(watcher: Any) -> dict[str, Any]:
    if watcher is None:
        return {"ok": False, "error": "no_metadata_watcher"}
    status = watcher.current.describe(dt.datetime.now(dt.UTC))
    return {"ok": not status["expired"], **status}


def _keys(config: Any, backend: Any) -> dict[str, Any]:
    sp = backend.config["sp_config"]
    paths = [sp["key_file"], sp["cert_file"]]
    paths += [p for pair in sp.get("encryption_keypairs", []) for p in pair.values()]
    paths += [module["config"]["signing_key_path"] for module in config["FRONTEND_MODULES"]
              if "signing_key_path" in module["config"]]
    unreadable = [Path(p).name for p in paths if not _readable(Path(p))]
    return {"ok": not unreadable, "files": len(paths), "unreadable": unreadable}


def _readable(path: Path) -> bool:
    try:
        return bool(path.read_bytes())
    except OSError:
        return False
