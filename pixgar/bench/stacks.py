"""The two sides of a benchmark: each a proxy and a pix_core on gunicorn, over TLS.

``ours``: ``pixgar serve proxy`` and ``pixgar serve pix``. ``stock``: stock SATOSA
(``python -m pixgar.bench.stock_satosa``) and another ``pixgar serve pix`` that logs in
with it. Both sides get the same gunicorn settings (workers, threads, the development
TLS certificate of their data dir), the same Redis server (a database each) and the same
PostgreSQL server (a database each, created here and dropped at the end). Keys are
handed to the proxies as in production (``PIXGAR_GENERATE_DEV_KEYS=0`` and the key file
variables), after a development stack's environment generated them
(``pixgar.stack.stack_environment``).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from pixgar.bench.pupils import invented_pupils, roster_pupils, seed_roster
from pixgar.bench.services import free_port
from pixgar.stack import stack_environment

SIDES = ("ours", "stock")
SERVER_COMMANDS = {
    ("ours", "proxy"): ["-m", "pixgar.cli", "serve", "proxy"],
    ("stock", "proxy"): ["-m", "pixgar.bench.stock_satosa"],
    ("ours", "pix"): ["-m", "pixgar.cli", "serve", "pix"],
    ("stock", "pix"): ["-m", "pixgar.cli", "serve", "pix"],
}
# requests gives these precedence over a session's ``verify``: inherited, they would make
# pix_core distrust the proxy's certificate (PROXY_CA_FILE) on its back-channel
OVERRIDING_CA_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
KEY_FILES = {
    "SAML_SIGNING_KEY_FILE": "saml-signing.key", "SAML_SIGNING_CERT_FILE": "saml-signing.crt",
    "SAML_ENCRYPTION_KEY_FILE": "saml-encryption.key",
    "SAML_ENCRYPTION_CERT_FILE": "saml-encryption.crt",
    "OIDC_SIGNING_KEY_FILE": "oidc-signing.key", "PROXY_STATE_KEY_FILE": "state.secret",
    "PROXY_PSEUDONYM_KEYS_FILE": "pseudonym-keys.secret", "PROXY_SUB_SALT_FILE": "sub-salt.secret",
}


class ServerFailed(RuntimeError):
    """A server stopped or did not answer; the message ends with its log's tail."""


@dataclass(frozen=True)
class GunicornSettings:
    """What every server of both sides runs with."""

    workers: int
    threads: int
    access_logs: bool = False  # --server-times
    behind_haproxy: int = 0  # --behind-haproxy N: ours runs N + N servers behind HAProxy


@dataclass
class Server:
    """A gunicorn server (master pid = the process started here) and its log."""

    side: str
    role: str  # "proxy" or "pix"
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    access_log: Path | None
    access_log_offset: int = 0  # where the measured requests start (after the warm-up)

    @property
    def pid(self) -> int:
        return self.process.pid

    def tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def interrupt(self) -> None:
        """Ask gunicorn for a quick shutdown (SIGINT: master and workers, no grace)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)

    def wait(self, timeout: float = 3.0) -> None:
        """Wait for the master; then end its process group (its session: workers too).

        Workers say they exit at once but may take seconds to finish: nothing of the run
        needs them any more.
        """
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=timeout)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@dataclass
class Side:
    """One side: its environment (a development stack's), its two servers, its stores."""

    name: str
    env: dict[str, str]
    redis_url: str
    database_url: str
    proxy: Server | None = None
    pix: Server | None = None
    balancer: subprocess.Popen[bytes] | None = None  # HAProxy, with --behind-haproxy
    backend_ports: list[int] = field(default_factory=list)  # its servers' (plain HTTP)

    @property
    def cafile(self) -> str:
        return self.env["PROXY_CA_FILE"]

    @property
    def servers(self) -> list[Server]:
        return [server for server in (self.proxy, self.pix) if server is not None]


class Databases:
    """A database per side on a PostgreSQL server, created for the run and dropped after."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.prefix = f"pixgar_bench_{secrets.token_hex(4)}"
        self.created: list[str] = []
        self._admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")

    def create(self, side: str) -> str:
        name = f"{self.prefix}_{side}"
        with self._admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return (sa.engine.make_url(self.admin_url).set(database=name)
                .render_as_string(hide_password=False))

    def drop_all(self) -> None:
        with self._admin.connect() as connection:
            for name in self.created:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.created.clear()
        self._admin.dispose()


def prepare_side(name: str, directory: Path, redis_url: str, database_url: str,
                 pupils: int) -> Side:
    """A side's environment, keys, database schema and (ours) the school's roster."""
    from pix_core.database.migrate import upgrade
    from proxy.migrate import upgrade as upgrade_proxy

    proxy_port, pix_port = free_port(), free_port()
    env = stack_environment({
        "PIXGAR_DATA_DIR": str(directory), "REDIS_URL": redis_url,
        "DATABASE_URL": database_url,
        "PROXY_BASE_URL": f"https://127.0.0.1:{proxy_port}",
        "PIX_BASE_URL": f"https://127.0.0.1:{pix_port}",
    })
    upgrade(database_url)
    if name == "ours":  # the proxy's tables and the roster it matches pupils in
        upgrade_proxy(database_url)
        seed_roster(database_url, directory, roster_pupils(invented_pupils(pupils)))
    return Side(name, env, redis_url, database_url)


def server_environment(side: Side, role: str, settings: GunicornSettings,
                       directory: Path) -> dict[str, str]:
    """``pixgar serve``'s environment for one server: the stack's, production-style keys."""
    env = {k: v for k, v in os.environ.items() if k not in OVERRIDING_CA_VARIABLES}
    env.update(side.env)
    data_dir = Path(side.env["PIXGAR_DATA_DIR"])
    url = side.env["PROXY_BASE_URL" if role == "proxy" else "PIX_BASE_URL"]
    env.update({
        "HOST": "127.0.0.1", "PORT": url.rsplit(":", 1)[1],
        "WEB_CONCURRENCY": str(settings.workers), "GUNICORN_THREADS": str(settings.threads),
        "TLS_CERT_FILE": str(data_dir / "tls" / "localhost.crt"),
        "TLS_KEY_FILE": str(data_dir / "tls" / "localhost.key"),
        "PIXGAR_GENERATE_DEV_KEYS": "0",
        **{variable: str(data_dir / "keys" / file) for variable, file in KEY_FILES.items()},
    })
    if settings.access_logs:
        env["ACCESS_LOG_FILE"] = str(directory / f"{side.name}-{role}-access.log")
    return env


def start_server(side: Side, role: str, settings: GunicornSettings, directory: Path) -> Server:
    env = server_environment(side, role, settings, directory)
    log = directory / f"{side.name}-{role}.log"
    with log.open("wb") as output:
        # S603: an argument list we build, run without a shell
        process = subprocess.Popen([sys.executable, *SERVER_COMMANDS[(side.name, role)]],  # noqa: S603
                                   env=env, stdout=output, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    url = side.env["PROXY_BASE_URL" if role == "proxy" else "PIX_BASE_URL"]
    access_log = Path(env["ACCESS_LOG_FILE"]) if "ACCESS_LOG_FILE" in env else None
    server = Server(side.name, role, url, process, log, access_log)
    setattr(side, role, server)
    return server


def start_balanced(side: Side, settings: GunicornSettings, directory: Path) -> None:
    """``settings.behind_haproxy`` servers per role behind HAProxy on the side's URLs.

    Each role's servers run under one ``sh`` (the :class:`Server` the meter reads: its
    tree is all of them), in plain HTTP on loopback; HAProxy terminates TLS.
    """
    from pixgar.bench import balancer

    ports = balancer.backend_ports(settings.behind_haproxy)
    for role in ("proxy", "pix"):
        env = server_environment(side, role, settings, directory)
        for variable in balancer.TLS_VARIABLES:
            env.pop(variable, None)
        env.pop("ACCESS_LOG_FILE", None)
        log = directory / f"{side.name}-{role}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(  # noqa: S603  # our own command line
                balancer.replicas_command(role, ports[role], directory, side.name), env=env,
                stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)
        url = side.env["PROXY_BASE_URL" if role == "proxy" else "PIX_BASE_URL"]
        setattr(side, role, Server(side.name, role, url, process, log, None))
    public = {role: int(side.env[f"{'PROXY' if role == 'proxy' else 'PIX'}_BASE_URL"]
                        .rsplit(":", 1)[1]) for role in ("proxy", "pix")}
    pem = balancer.combined_pem(Path(side.env["PIXGAR_DATA_DIR"]))
    side.balancer = balancer.start_haproxy(balancer.haproxy_config(public, ports, pem),
                                           directory)
    side.backend_ports = [port for role in ("proxy", "pix") for port in ports[role]]


def wait_for_backends(side: Side, timeout: float = 120.0) -> None:
    """Every server behind HAProxy accepts connections (HAProxy itself answers at once)."""
    deadline = time.monotonic() + timeout
    for port in side.backend_ports:
        while not _listening(port):
            for server in side.servers:
                if server.process.poll() is not None or time.monotonic() > deadline:
                    raise ServerFailed(f"{side.name} {server.role} servers did not all start:"
                                       f"\n{server.tail()}")
            time.sleep(0.2)


def _listening(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def wait_until_answering(server: Server, cafile: str, timeout: float = 120.0) -> None:
    """Wait for an HTTPS answer (any status) from ``server``; fail if it stopped."""
    import http.client

    context = ssl.create_default_context(cafile=cafile)
    host, port = server.url.removeprefix("https://").rsplit(":", 1)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerFailed(f"{server.side} {server.role} stopped (exit "
                               f"{server.process.returncode}):\n{server.tail()}")
        connection = http.client.HTTPSConnection(host, int(port), timeout=10, context=context)
        try:
            connection.request("GET", "/")
            connection.getresponse().read()
            return
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
        finally:
            connection.close()
    raise ServerFailed(f"{server.side} {server.role} did not answer in {timeout:.0f}s:\n"
                       f"{server.tail()}")


@contextlib.contextmanager
def running(sides: list[Side], settings: GunicornSettings, directory: Path) -> Iterator[None]:
    """Every server of ``sides`` started, answering; all stopped on the way out."""
    try:
        for side in sides:
            if settings.behind_haproxy and side.name == "ours":
                start_balanced(side, settings, directory)
                continue
            for role in ("proxy", "pix"):
                start_server(side, role, settings, directory)
        for side in sides:
            wait_for_backends(side)
            for server in side.servers:
                wait_until_answering(server, side.cafile)
        yield
    finally:
        servers = [server for side in sides for server in side.servers]
        for server in servers:
            server.interrupt()
        for server in servers:
            server.wait()
        for side in sides:
            if side.balancer is not None:
                side.balancer.terminate()
                side.balancer.wait(timeout=10)
