"""Wires the four parts of a development stack: ENT, GAR simulator, proxy and pix_core.

``pixgar demo`` serves the result on four local ports; the flow tests route requests to
the same WSGI applications in-process. Everything not given in the environment gets an
embedded development default, and every generated key or secret lands in the data dir.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
import yaml

from kernel.devkeys import ensure_random_secret, ensure_self_signed_cert

DEFAULT_URLS = {
    "PROXY_BASE_URL": "https://localhost:8443",
    "PIX_BASE_URL": "https://localhost:8444",
    "GAR_SIM_BASE_URL": "https://localhost:9443",
    "ENT_BASE_URL": "https://localhost:9444",
}


@dataclass(frozen=True)
class Stack:
    """The four WSGI applications of a development stack, by origin, and how to reach them."""

    env: dict[str, str]
    apps: dict[str, Any]
    tls_key: Path
    tls_cert: Path

    @property
    def ent_url(self) -> str:
        return self.env["ENT_BASE_URL"]

    @property
    def pix_login_url(self) -> str:
        return f"{self.env['PIX_BASE_URL']}/connexion/gar"


def tls_certificate(data_dir: Path) -> tuple[Path, Path]:
    """The development TLS key and certificate for localhost (its own CA, trusted by pix_core).

    ECDSA P-256: the cheapest handshakes for the server (``pixgar bench`` opens a few per
    login). A data dir that already holds an RSA key keeps it.
    """
    return ensure_self_signed_cert(data_dir / "tls" / "localhost.key",
                                   data_dir / "tls" / "localhost.crt", "pix-gar localhost",
                                   ("localhost", "127.0.0.1"), elliptic=True)


def _write_clients_file(env: dict[str, str], data_dir: Path) -> None:
    pix = env["PIX_BASE_URL"]
    document = {
        "clients": {
            env.get("PIX_CLIENT_ID", "pix"): {
                "name": "Pix",
                "secret_env": "PIX_CLIENT_SECRET",
                "redirect_uris": [f"{pix}/connexion/oidc/callback"],
                "initiate_login_uri": f"{pix}/connexion/gar/initier",
                "target_link_uris": [f"{pix}/"],
            }
        }
    }
    path = data_dir / "oidc-clients.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    env["OIDC_CLIENTS_FILE"] = str(path)


def stack_environment(overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a development stack: ``overrides`` over embedded defaults.

    Writes the files the parts exchange (relying parties file, SP and IdP metadata) and
    generates the secrets they share, so that the parts agree with one another.

    Without ``GAR_IDP_METADATA`` the proxy trusts the GAR simulator as production trusts
    the GAR: the simulator's metadata is signed with its metadata-signing key (generated in
    the data dir) and pinned (``GAR_METADATA_SIGNING_CERT``), so its signature and its
    ``validUntil`` are checked. ``GAR_METADATA_SIGNING_CERT`` given empty is the explicit
    way back to the unpinned development path (unsigned metadata, trusted as is).
    """
    env = {**DEFAULT_URLS, **dict(os.environ if overrides is None else overrides)}
    data_dir = Path(env.setdefault("PIXGAR_DATA_DIR", str(Path("var").resolve())))
    data_dir.mkdir(parents=True, exist_ok=True)
    env.setdefault("DATABASE_URL", f"sqlite:///{data_dir / 'pix.db'}")
    if not env.get("PIX_CLIENT_SECRET") and not env.get("PIX_CLIENT_SECRET_FILE"):
        env["PIX_CLIENT_SECRET"] = ensure_random_secret(data_dir / "keys" / "pix-client.secret")
    if not env.get("OIDC_CLIENTS_FILE"):
        _write_clients_file(env, data_dir)
    _, cert = tls_certificate(data_dir)
    env.setdefault("PROXY_CA_FILE", str(cert))
    if not env.get("GAR_IDP_METADATA"):
        env["GAR_IDP_METADATA"] = str(_write_simulator_metadata(env, data_dir))
    return env


def _write_simulator_metadata(env: dict[str, str], data_dir: Path) -> Path:
    """SP metadata for the simulator, then the simulator's IdP metadata for the proxy.

    The IdP metadata is the signed document the simulator publishes at ``/idp/metadata``,
    pinned to its metadata-signing certificate unless ``GAR_METADATA_SIGNING_CERT`` is set
    (another pin: the proxy then refuses the simulator's metadata, as it should) or set
    empty (no pin, unsigned metadata: the development path).
    """
    from gar_sim.idp_config import idp_metadata_xml
    from gar_sim.settings import settings_from_env
    from gar_sim.signed_metadata import metadata_signing_key_paths, write_idp_metadata
    from proxy.metadata.service_provider import export_sp_metadata
    from proxy.settings import ProxySettings

    sp_metadata = data_dir / "proxy-sp-metadata.xml"
    sp_metadata.write_text(export_sp_metadata(ProxySettings.from_env(env)), encoding="utf-8")
    env.setdefault("GAR_SIM_SP_METADATA", str(sp_metadata))
    sim = settings_from_env(env)
    idp_metadata = data_dir / "gar-sim-idp-metadata.xml"
    if env.get("GAR_METADATA_SIGNING_CERT") == "":  # explicitly unpinned
        idp_metadata.write_text(idp_metadata_xml(sim), encoding="utf-8")
    else:
        env.setdefault("GAR_METADATA_SIGNING_CERT", str(metadata_signing_key_paths(sim)[1]))
        write_idp_metadata(sim, idp_metadata)
    env["PIXGAR_SIMULATOR"] = "1"
    return idp_metadata


def build_stack(env: dict[str, str], pix_http_session: requests.Session | None = None) -> Stack:
    """Create the four applications from a stack environment (see :func:`stack_environment`)."""
    from gar_sim.ent import create_ent_app
    from gar_sim.idp import create_idp_app
    from gar_sim.settings import settings_from_env
    from pix_core.app import create_app as create_pix_app
    from pix_core.database.migrate import upgrade
    from pix_core.settings import PixSettings
    from proxy.app import create_app as create_proxy_app
    from proxy.migrate import upgrade as upgrade_proxy
    from proxy.settings import ProxySettings

    pix_settings = PixSettings.from_env(env)
    proxy_settings = ProxySettings.from_env(env)
    upgrade(pix_settings.database_url)
    upgrade_proxy(proxy_settings.roster_database_url)
    sim_settings = settings_from_env(env)
    apps: dict[str, Any] = {
        env["PROXY_BASE_URL"]: create_proxy_app(proxy_settings),
        env["PIX_BASE_URL"]: create_pix_app(pix_settings, http_session=pix_http_session),
    }
    if env.get("PIXGAR_SIMULATOR") == "1":
        apps[env["GAR_SIM_BASE_URL"]] = create_idp_app(sim_settings)
        apps[env["ENT_BASE_URL"]] = create_ent_app(sim_settings)
    key, cert = tls_certificate(Path(env["PIXGAR_DATA_DIR"]))
    return Stack(env=env, apps=apps, tls_key=key, tls_cert=cert)
