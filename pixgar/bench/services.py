"""Redis and PostgreSQL servers started (and stopped) for one run, on free ports, in temp dirs.

``pixgar bench`` measures on them by default (nothing else talks to them, so Redis's
command counts are the servers' own); the tests' throwaway servers are these
(tests/support/throwaway_services.py). Each server is fast to start (no persistence, no
fsync): figures taken on them are not the figures of a durable database.
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


class ServiceUnavailable(RuntimeError):
    """The server's binaries are missing or cannot run here; the message says why."""


def free_port() -> int:
    """A TCP port nothing listens on right now (bound then released by the kernel)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, up: bool, timeout: float = 10.0) -> None:
    """Wait until 127.0.0.1:``port`` accepts connections (``up``) or refuses them."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            probe.settimeout(0.2)
            listening = probe.connect_ex(("127.0.0.1", port)) == 0
        if listening == up:
            return
        time.sleep(0.02)
    raise RuntimeError(f"port {port} still {'closed' if up else 'open'} after {timeout}s")


class RedisServer:
    """``redis-server --port <free> --save '' --appendonly no``: a restart starts empty."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise ServiceUnavailable("redis-server is not installed (scripts/bootstrap test "
                                     "installs it)")
        self.binary = binary
        self.port = free_port()
        self.directory = tempfile.mkdtemp(prefix="pixgar-redis-")
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def start(self) -> RedisServer:
        if self.process is None:
            self.process = subprocess.Popen(  # noqa: S603  our argv, no shell
                [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--dir", self.directory],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wait_for_port(self.port, up=True)
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None
            wait_for_port(self.port, up=False)

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


class PostgresCluster:
    """A fresh PostgreSQL cluster (Debian's binaries), trust auth, ``postgres`` superuser.

    PostgreSQL refuses to run as root: as root the server runs as the ``postgres`` system
    user through ``runuser``. ``fsync`` and ``full_page_writes`` are off: fast to start and
    to throw away, not durable if the machine crashes. ``synchronous_commit`` stays on: a
    commit has reached the operating system when it returns, so an immediate stop (the
    failing-closed tests' server crash) loses no committed transaction; with it off, the
    schema a test had just migrated was sometimes gone after the restart.
    """

    def __init__(self) -> None:
        bindir = _postgres_bin()
        if bindir is None:
            raise ServiceUnavailable("no PostgreSQL server binaries under "
                                     "/usr/lib/postgresql/*/bin")
        self.bindir = bindir
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                raise ServiceUnavailable("running as root and runuser is missing: "
                                         "PostgreSQL refuses root")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="pixgar-pg-"))
        self.data = self.directory / "data"
        self.running = False
        if self.as_user:
            shutil.chown(self.directory, user="postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "--no-sync", "-E", "UTF8", "--locale", "C.UTF-8")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def pid(self) -> int | None:
        """The postmaster's process id (its backends are its children), while running."""
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def _run(self, tool: str, *args: str) -> None:
        try:
            # S603: an argument list we build, run without a shell
            subprocess.run([*self.as_user, str(self.bindir / tool), *args], check=True,  # noqa: S603
                           capture_output=True, timeout=60)
        except (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            output = getattr(error, "stderr", b"") or b""
            self.close()
            raise ServiceUnavailable(f"cannot run PostgreSQL's {tool}: {error} "
                                     f"{output.decode(errors='replace')[-300:]}") from error

    def start(self) -> PostgresCluster:
        if not self.running:
            options = (f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
                       "-c fsync=off -c full_page_writes=off")
            self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l",
                      str(self.directory / "server.log"), "-w", "start")
            self.running = True
        return self

    def stop(self) -> None:
        """Stop at once (``-m immediate``): open connections die, like on a crash."""
        if self.running:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
            self.running = False
            wait_for_port(self.port, up=False)

    def close(self) -> None:
        if self.running:
            # S603: an argument list we build, run without a shell
            subprocess.run([*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.data),  # noqa: S603
                            "-m", "immediate", "-w", "stop"], capture_output=True, timeout=60)
            self.running = False
        shutil.rmtree(self.directory, ignore_errors=True)
