"""``pixgar demo``: the ENT médiacentre, the GAR simulator, the proxy and pix_core on localhost."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from werkzeug.serving import BaseWSGIServer, make_server

from pixgar.stack import Stack, build_stack, stack_environment

logger = logging.getLogger(__name__)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_redis_stand_in() -> tuple[str, object]:
    """An in-process Redis (fakeredis) on a free loopback port, for when no REDIS_URL is given."""
    from fakeredis import TcpFakeServer

    port = free_port()
    server = TcpFakeServer(("127.0.0.1", port), server_type="redis")
    threading.Thread(target=server.serve_forever, daemon=True, name="redis-stand-in").start()
    return f"redis://127.0.0.1:{port}/0", server


def serve_stack(stack: Stack, host: str = "localhost") -> list[BaseWSGIServer]:
    """Serve every application of ``stack`` over TLS on the port of its base URL."""
    servers = []
    for origin, app in stack.apps.items():
        port = urlsplit(origin).port or 443
        server = make_server(host, port, app, threaded=True,
                             ssl_context=(str(stack.tls_cert), str(stack.tls_key)))
        threading.Thread(target=server.serve_forever, daemon=True, name=origin).start()
        servers.append(server)
    return servers


def prepare(environ: Mapping[str, str] | None = None) -> tuple[Stack, object | None]:
    """Build the demo stack from the environment, with a Redis stand-in when none is given."""
    env = dict(os.environ if environ is None else environ)
    stand_in = None
    if not env.get("REDIS_URL"):
        env["REDIS_URL"], stand_in = start_redis_stand_in()
    return build_stack(stack_environment(env)), stand_in


def run_demo() -> int:
    """Start everything, print where to go, serve until interrupted."""
    stack, stand_in = prepare()
    from pathlib import Path

    from pixgar.demo_seed import seed_demo

    seed = seed_demo(stack.env["DATABASE_URL"], Path(stack.env["PIXGAR_DATA_DIR"]))
    servers = serve_stack(stack)
    redis_note = "Redis intégré (fakeredis)" if stand_in else stack.env["REDIS_URL"]
    pin = stack.env.get("GAR_METADATA_SIGNING_CERT")
    metadata_note = f"signed, pinned to {pin}" if pin else "UNPINNED (not signature-checked)"
    print(
        "\npix-gar demo is running (Ctrl+C to stop)\n"
        f"  ENT médiacentre : {stack.ent_url}/\n"
        f"  pix_core GAR login URL : {stack.pix_login_url}\n"
        f"  proxy (OpenID Provider, SAML SP) : {stack.env['PROXY_BASE_URL']}\n"
        f"  GAR simulator : {stack.env['GAR_SIM_BASE_URL']}/\n"
        f"  GAR metadata : {metadata_note}\n"
        f"  Redis : {redis_note}\n"
        f"  TLS certificate (self-signed, trust it or accept the warning): {stack.tls_cert}\n"
        f"  Pix Orga : {stack.env['PIX_BASE_URL']}/orga/connexion "
        f"({seed.admin_email} / {seed.admin_password})\n"
        f"  demo campaign code: {seed.campaign_code} "
        f"({stack.env['PIX_BASE_URL']}/campagnes/{seed.campaign_code})\n"
        f"{_certification_note(seed, stack.env['PIX_BASE_URL'])}",
        flush=True,
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        for server in servers:
            server.shutdown()
    return 0


def _certification_note(seed: Any, pix_url: str) -> str:
    """The demo's certification session: what the pupil and the supervisor type."""
    session = seed.certification
    if session is None:
        return ""
    return (f"  certification session {session.id}: access code {session.access_code} "
            f"({pix_url}/certification, Léa Lefèvre or Noé Garçon), supervisor password "
            f"{session.supervisor_password} ({pix_url}/surveillance)\n")
