"""``pixgar health``: does the server of this container answer? The image's HEALTHCHECK.

Asks ``GET /healthz`` where ``pixgar serve`` listens: ``HOST`` (loopback when it binds
every address) and ``PORT``; without ``PORT``, the default port of each server in turn,
since one image runs either. Over TLS when the server has its certificate
(``TLS_CERT_FILE`` and ``TLS_KEY_FILE``), trusting that certificate alone, whatever host
name it carries: the probe dials loopback, not the public name. Exit 0 when a server
answers 200 ``{"status": "alive"}``, else 1 with the reason. The standard library only:
the image has no curl.
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import json
import os
import ssl
import sys

from pixgar.serve import PORTS, tls_files

ALIVE = {"status": "alive"}
UNHEALTHY = 1  # Docker's "unhealthy"; 2 is reserved


def _dialled(host: str) -> str:
    """``host`` itself, or loopback when it means every address (``pixgar serve``'s default)."""
    bare = host.strip("[]")
    if not bare:
        return "127.0.0.1"  # HOST unset: every IPv4 address
    try:
        address = ipaddress.ip_address(bare)
    except ValueError:
        return bare  # a host name
    if not address.is_unspecified:
        return bare
    return "::1" if address.version == 6 else "127.0.0.1"


def probed_addresses() -> list[tuple[str, int]]:
    """Where the server of this container listens, as ``pixgar serve`` binds it."""
    host = _dialled(os.environ.get("HOST", ""))
    port = os.environ.get("PORT")
    return [(host, int(port))] if port else [(host, default) for default in PORTS.values()]


def own_certificate_context(cert_file: str) -> ssl.SSLContext:
    """Trust the server's own certificate (and its chain, if the file holds it), nothing else."""
    context = ssl.create_default_context(cafile=cert_file)
    context.check_hostname = False  # the certificate names the public host; we dial loopback
    context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN  # a leaf certificate as the anchor
    return context


def probe(host: str, port: int, context: ssl.SSLContext | None, timeout: float) -> str | None:
    """``None`` when ``/healthz`` answers alive, else why not (one line)."""
    if context is None:
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
    else:
        connection = http.client.HTTPSConnection(host, port, timeout=timeout, context=context)
    url = f"{'https' if context else 'http'}://{host}:{port}/healthz"
    try:
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        body = response.read(4096)
    except (OSError, http.client.HTTPException) as error:
        return f"{url}: {type(error).__name__}: {error}"
    finally:
        connection.close()
    try:
        alive = response.status == 200 and json.loads(body) == ALIVE
    except ValueError:
        alive = False
    return None if alive else f"{url}: HTTP {response.status} {body[:200]!r}"


def run_health(args: argparse.Namespace) -> int:
    tls = tls_files()
    try:
        context = own_certificate_context(tls[0]) if tls else None
    except OSError as error:  # unreadable file, or no certificate in it (ssl.SSLError)
        print(f"pixgar health: TLS_CERT_FILE: {type(error).__name__}: {error}", file=sys.stderr)
        return UNHEALTHY
    failures = []
    for host, port in probed_addresses():
        failure = probe(host, port, context, args.timeout)
        if failure is None:
            print(f"alive: {host}:{port}")
            return 0
        failures.append(failure)
    for failure in failures:
        print(f"pixgar health: {failure}", file=sys.stderr)
    return UNHEALTHY


def register(commands) -> None:
    """Add ``pixgar health`` to the ``pixgar`` command."""
    health = commands.add_parser(
        "health", help="exit 0 if this container's server answers /healthz (HEALTHCHECK)")
    health.add_argument("--timeout", type=float, default=3.0, help="seconds per address")
    health.set_defaults(run=run_health)
