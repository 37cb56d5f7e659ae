"""Redis and PostgreSQL servers started (and stopped) by a test, on free ports, in temp dirs.

The failing-closed suite stops and restarts them in the middle of logins; the machine's
shared Redis (6379) and PostgreSQL (5432) are never touched. Each server is fast to start
(no persistence, no fsync) and every ``start`` is paired with a ``close`` in a finalizer.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest


def free_port() -> int:
    """A TCP port nothing listens on right now (bound then released by the kernel)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_port(port: int, up: bool, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            probe.settimeout(0.2)
            listening = probe.connect_ex(("127.0.0.1", port)) == 0
        if listening == up:
            return
        time.sleep(0.02)
    raise RuntimeError(f"port {port} still {'closed' if up else 'open'} after {timeout}s")


class ThrowawayRedis:
    """``redis-server --port <free> --save '' --appendonly no``: a restart starts empty."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed (scripts/test installs it)")
        self.binary = binary
        self.port = free_port()
        self.directory = tempfile.mkdtemp(prefix="pixgar-redis-")
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> ThrowawayRedis:
        if self.process is None:
            self.process = subprocess.Popen(
                [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--dir", self.directory],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            _wait_for_port(self.port, up=True)
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None
            _wait_for_port(self.port, up=False)

    def restart(self) -> None:
        """Stop then start again: every key is gone (no persistence)."""
        self.stop()
        self.start()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name), reverse=True)
    return Path(found[0]).parent if found else None


class ThrowawayPostgres:
    """A fresh PostgreSQL cluster (Debian's binaries), trust auth, ``postgres`` superuser.

    PostgreSQL refuses to run as root: as root the server runs as the ``postgres`` system
    user through ``runuser``; without a way to do that the test is skipped, saying why.
    """

    def __init__(self) -> None:
        bindir = _postgres_bin()
        if bindir is None:
            pytest.skip("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin")
        self.bindir = bindir
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                pytest.skip("running as root and runuser is missing: PostgreSQL refuses root")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="pixgar-pg-"))
        self.data = self.directory / "data"
        if self.as_user:
            shutil.chown(self.directory, user="postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "--no-sync", "-E", "UTF8", "--locale", "C.UTF-8")
        self.running = False

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        try:
            subprocess.run([*self.as_user, str(self.bindir / tool), *args], check=True,
                           capture_output=True, timeout=60)
        except (OSError, subprocess.CalledProcessError) as error:
            output = getattr(error, "stderr", b"") or b""
            self.close()
            pytest.skip(f"cannot run PostgreSQL's {tool}: {error} {output.decode()[-300:]}")

    def start(self) -> ThrowawayPostgres:
        if not self.running:
            options = (f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
                       "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
            self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l",
                      str(self.directory / "server.log"), "-w", "start")
            self.running = True
        return self

    def stop(self) -> None:
        """Stop at once (``-m immediate``): open connections die, like on a crash."""
        if self.running:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
            self.running = False
            _wait_for_port(self.port, up=False)

    def close(self) -> None:
        if getattr(self, "running", False):
            subprocess.run([*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.data),
                            "-m", "immediate", "-w", "stop"], capture_output=True, timeout=60)
            self.running = False
        shutil.rmtree(self.directory, ignore_errors=True)
