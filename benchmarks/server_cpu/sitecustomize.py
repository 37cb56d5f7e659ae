"""Server CPU per request, for ``pixgar bench``: thread CPU time of each gunicorn request.

Loaded by every Python process when this directory is on ``PYTHONPATH``; does nothing
unless ``PIXGAR_CPU_TRACE`` names a file prefix. Then each gunicorn (gthread) worker
appends one line per request, ``<pid> <METHOD:path> <microseconds>``, to
``<prefix>.<side>-<server>.<pid>`` (``ours-proxy``, ``ours-pix``, ``stock-proxy``,
``stock-pix``), one line per TLS connection set-up (``TLS:init``: the handshake), and
the database round trips of each request (``SQL-roundtrips``, psycopg waits, a count)::

    PYTHONPATH=benchmarks/server_cpu PIXGAR_CPU_TRACE=/tmp/run1 \\
        .venv/bin/pixgar bench --concurrency 8 --logins 96
    .venv/bin/python benchmarks/server_cpu_report.py /tmp/run1

Thread CPU time (``time.thread_time``) counts what the request's thread ran, not the
time it waited for the GIL, the network or the database.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time

TRACE = os.environ.get("PIXGAR_CPU_TRACE")


def _role() -> str:
    with open("/proc/self/cmdline", "rb") as file:
        command = file.read().replace(b"\0", b" ").decode(errors="replace")
    side = os.path.basename(os.environ.get("PIXGAR_DATA_DIR", "").rstrip("/"))
    side = side if side in ("ours", "stock") else "ours"  # pixgar bench: <run dir>/<side>
    if "stock_satosa" in command:
        return "stock-proxy"
    return f"{side}-proxy" if "serve proxy" in command else f"{side}-pix"


def _install(prefix: str) -> None:
    import gunicorn.workers.gthread as gthread
    import psycopg

    role, lock, local = _role(), threading.Lock(), threading.local()

    def write(kind: str, value: float) -> None:
        with lock, open(f"{prefix}.{role}.{os.getpid()}", "a", encoding="utf-8") as file:
            file.write(f"{os.getpid()} {kind} {value:.0f}\n")

    real_wait = psycopg.Connection.wait

    def wait(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        local.waits = getattr(local, "waits", 0) + 1
        return real_wait(self, *args, **kwargs)

    real_handle = gthread.ThreadWorker.handle_request

    def handle_request(self, request, connection):  # type: ignore[no-untyped-def]
        started, waits = time.thread_time(), getattr(local, "waits", 0)
        try:
            return real_handle(self, request, connection)
        finally:
            parts = request.path.split("/")
            path = "/".join(parts[:4]) if len(parts) > 4 else request.path
            write(f"{request.method}:{path}", (time.thread_time() - started) * 1e6)
            write("SQL-roundtrips", getattr(local, "waits", 0) - waits)

    real_init = gthread.TConn.init

    def init(self):  # type: ignore[no-untyped-def]
        if self.initialized:
            return real_init(self)
        started = time.thread_time()
        try:
            return real_init(self)
        finally:
            write("TLS:init", (time.thread_time() - started) * 1e6)

    psycopg.Connection.wait = wait  # type: ignore[method-assign]
    gthread.ThreadWorker.handle_request = handle_request
    gthread.TConn.init = init


if TRACE:
    with contextlib.suppress(ImportError):  # the driver and the signer import neither
        _install(TRACE)
