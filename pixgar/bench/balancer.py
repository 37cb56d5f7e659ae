"""``pixgar bench --behind-haproxy N``: N proxies and N pix_cores behind a real HAProxy.

HAProxy (Debian's package) terminates TLS on the side's public URLs with the development
certificate and sends each request to the next server of its role (``balance
roundrobin``, no stickiness, no cookie), in plain HTTP on loopback with
``X-Forwarded-Proto: https``. A login's steps therefore land on different processes;
HAProxy's log (``haproxy.log`` in the run directory) names the server of every request,
and each server writes its own access log.

The N servers of a role run under one ``sh`` (their parent), so the meter's process
tree of that parent counts the CPU of all of them; HAProxy's own CPU is read apart.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from pixgar.bench.services import ServiceUnavailable, free_port

ROLES = ("proxy", "pix")
TLS_VARIABLES = ("TLS_CERT_FILE", "TLS_KEY_FILE")


def haproxy_binary() -> str:
    found = shutil.which("haproxy")
    if found is None:
        raise ServiceUnavailable("haproxy is not installed (scripts/bootstrap test installs it)")
    return found


def haproxy_config(public_ports: dict[str, int], backends: dict[str, list[int]],
                   pem: Path) -> str:
    """Two TLS frontends (proxy, pix), each round-robin over its role's servers."""
    lines = ["global", "    maxconn 4096", "    log stdout format raw local0", "",
             "defaults", "    mode http", "    log global",
             # path only, never the query (codes, handles): client, server, method, status
             '    log-format "%ci %b/%s %HM %HPO %ST %Ta"',
             "    timeout connect 5s", "    timeout client 60s", "    timeout server 60s",
             "    http-reuse always", ""]
    for role in ROLES:
        lines += [f"frontend {role}_public",
                  f"    bind 127.0.0.1:{public_ports[role]} ssl crt {pem}",
                  "    http-request set-header X-Forwarded-Proto https",
                  f"    default_backend {role}_servers", "",
                  f"backend {role}_servers", "    balance roundrobin"]
        lines += [f"    server {role}{index} 127.0.0.1:{port}"
                  for index, port in enumerate(backends[role])]
        lines.append("")
    return "\n".join(lines)


def replicas_command(role: str, ports: list[int], directory: Path, side: str) -> list[str]:
    """``sh -c`` starting ``pixgar serve <role>`` once per port, each with its access log."""
    logs = [shlex.quote(str(access_log(directory, side, role, i))) for i in range(len(ports))]
    starts = [f"PORT={port} ACCESS_LOG_FILE={log} {shlex.quote(sys.executable)} "
              f"-m pixgar.cli serve {role} &" for port, log in zip(ports, logs, strict=True)]
    return ["sh", "-c", " ".join([*starts, "wait"])]


def access_log(directory: Path, side: str, role: str, index: int) -> Path:
    return directory / f"{side}-{role}{index}-access.log"


def backend_ports(replicas: int) -> dict[str, list[int]]:
    return {role: [free_port() for _ in range(replicas)] for role in ROLES}


def combined_pem(data_dir: Path) -> Path:
    """HAProxy's ``crt``: the certificate and its key in one file, readable by us only."""
    pem = data_dir / "tls" / "haproxy.pem"
    pem.write_bytes((data_dir / "tls" / "localhost.crt").read_bytes()
                    + (data_dir / "tls" / "localhost.key").read_bytes())
    pem.chmod(0o600)
    return pem


def start_haproxy(config: str, directory: Path) -> subprocess.Popen[bytes]:
    """HAProxy in the foreground (``-db``), its log in ``haproxy.log``; stopped by the caller."""
    path = directory / "haproxy.cfg"
    path.write_text(config)
    binary = haproxy_binary()
    subprocess.run([binary, "-c", "-q", "-f", str(path)], check=True,  # noqa: S603
                   capture_output=True, timeout=30)
    with (directory / "haproxy.log").open("wb") as log:
        return subprocess.Popen([binary, "-db", "-f", str(path)],  # noqa: S603
                                stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
