"""``pixgar serve proxy|pix``: the production servers, on gunicorn with several workers."""

from __future__ import annotations

import logging
import multiprocessing
import os
import ssl
import threading
from collections.abc import Callable
from typing import Any

from gunicorn import sock
from gunicorn.app.base import BaseApplication

logger = logging.getLogger(__name__)


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, factory: Callable[[], Any], options: dict[str, Any]) -> None:
        self._factory = factory
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self._factory()


PORTS = {"proxy": 8443, "pix": 8444}  # where each server listens when PORT is not set


def tls_files() -> tuple[str, str] | None:
    """``(TLS_CERT_FILE, TLS_KEY_FILE)`` when both are set: the server then speaks TLS."""
    cert_file, key_file = os.environ.get("TLS_CERT_FILE"), os.environ.get("TLS_KEY_FILE")
    return (cert_file, key_file) if cert_file and key_file else None


def gunicorn_options(default_port: int) -> dict[str, Any]:
    """Bind, workers, TLS: ``PORT``, ``WEB_CONCURRENCY``, ``TLS_CERT_FILE``, ``TLS_KEY_FILE``.

    ``ACCESS_LOG_FILE``: one line per request (method, path without its query, status,
    microseconds) in that file; ``pixgar bench --server-times`` reads it.
    """
    options: dict[str, Any] = {
        # every interface by default: in its container, the published port is the boundary
        "bind": f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', default_port)}",  # noqa: S104
        "workers": int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count())),
        "worker_class": "gthread",
        "threads": int(os.environ.get("GUNICORN_THREADS", 4)),
        "accesslog": None,  # URLs carry codes and handles: no access log by default
        "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        # gunicornc's socket: unused here, and one path per user (~/.gunicorn/gunicorn.ctl)
        # that the next server started on the host would take over
        "control_socket_disable": True,
    }
    if os.environ.get("ACCESS_LOG_FILE"):
        options["accesslog"] = os.environ["ACCESS_LOG_FILE"]
        options["access_log_format"] = "%(m)s %(U)s %(s)s %(D)s"  # never the query string
    tls = tls_files()
    if tls:
        options["certfile"], options["keyfile"] = tls
        options["ssl_context"] = one_tls_context()
        options["when_ready"] = _build_tls_context
    return options


def one_tls_context() -> Callable[[Any, Callable[[], ssl.SSLContext]], ssl.SSLContext]:
    """gunicorn's ``ssl_context`` hook: one context per server instead of one per connection.

    gunicorn calls the hook at each accepted TLS connection, and its default builds a new
    context each time: the system's CA store read (for client certificates nobody sends)
    and the key parsed, ~3 ms of CPU per connection, half the cost of a handshake. The
    context is built once, in the master (``when_ready``, before any worker is forked), so
    every worker holds the same session ticket keys: a browser's TLS session resumes on
    whichever worker its next connection reaches.
    """
    built: list[ssl.SSLContext] = []
    lock = threading.Lock()

    def ssl_context(conf: Any, default_ssl_context_factory: Callable[[], ssl.SSLContext]
                    ) -> ssl.SSLContext:
        if not built:
            with lock:
                if not built:
                    built.append(default_ssl_context_factory())
        return built[0]

    return ssl_context


def _build_tls_context(server: Any) -> None:
    """``when_ready``: the master builds the server's TLS context before forking workers."""
    sock.ssl_context(server.cfg)


def run_gunicorn(factory: Callable[[], Any], default_port: int) -> None:
    """Serve the WSGI application ``factory`` builds (in each worker) until stopped."""
    _Gunicorn(factory, gunicorn_options(default_port)).run()


def _require_schema(require: Callable[[str], None], database_url: str) -> None:
    """Create the embedded schema, or stop before forking when PostgreSQL's is behind.

    A database that is down at start does not stop the server: requests fail closed
    until it is back, as they would had it gone down a minute later.
    """
    from pixgar.schema import DatabaseUnreachable

    try:
        require(database_url)
    except DatabaseUnreachable as error:
        logger.warning("starting without checking the database schema: %s", error)


def serve_proxy() -> int:
    """Check the whole configuration once, here, before gunicorn forks any worker.

    A configuration error (GAR metadata unreachable, missing key, ...) raises here, so
    ``pixgar`` prints one line naming the variable and exits 2, instead of every worker
    failing to boot with a traceback. The GAR metadata is fetched once: the workers (and
    any worker gunicorn respawns later) read the copy validated here, so a metadata URL
    that becomes unreachable while the proxy runs changes nothing until the next start.
    """
    import dataclasses

    from pixgar.schema import require_proxy_schema
    from proxy.app import create_app
    from proxy.metadata.startup import idp_metadata_file
    from proxy.settings import ProxySettings

    os.environ.setdefault("PIXGAR_GENERATE_DEV_KEYS", "0")  # production: keys are handed in
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("pixgar serve proxy: REDIS_URL is required (state shared by workers)")
    settings = ProxySettings.from_env()
    pinned = dataclasses.replace(settings, gar_idp_metadata=str(idp_metadata_file(settings)))
    create_app(pinned)  # fails now, with the admin message, or never in a worker
    _require_schema(require_proxy_schema, settings.roster_database_url)
    run_gunicorn(lambda: create_app(pinned), PORTS["proxy"])
    return 0


def serve_pix() -> int:
    from kernel.logging_setup import configure_logging
    from pix_core.app import create_app
    from pix_core.settings import PixSettings
    from pixgar.schema import require_pix_schema

    settings = PixSettings.from_env()
    configure_logging(settings.log_level)
    _require_schema(require_pix_schema, settings.database_url)
    run_gunicorn(lambda: create_app(settings), PORTS["pix"])
    return 0
