"""Builds SATOSA's configuration from ``config/*.yaml`` (policy) and the settings (URLs, keys).

This is the one place where the proxy's settings, keys and plugins meet.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from cryptography.hazmat.primitives import serialization

from proxy.errors import ConfigurationError
from proxy.keys.files import ProxyKeys
from proxy.keys.rotation import oidc_key_config, published_certs
from proxy.metadata.service_provider import BACKEND_NAME, sp_config
from proxy.metadata.startup import metadata_at_start
from proxy.oidc.release_policy import (
    POLICY_FILE,
    ReleasePolicyError,
    openid_claim_names,
    parse_policy,
)
from proxy.settings import ProxySettings, load_yaml

FRONTEND_NAME = "pix"


def pyop_redis_uri(url: str) -> str:
    """pyop's Redis storage needs the database number in the path (``redis://h:6379/0``)."""
    parts = urlsplit(url)
    path = parts.path if parts.path.strip("/") else "/0"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, parts.fragment))


def signing_key_id(key_path: Path) -> str:
    """A key ID derived from the public key, so each key has its own ``kid`` for rollover."""
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    der = key.public_key().public_bytes(serialization.Encoding.DER,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()[:16]


def relying_parties(settings: ProxySettings) -> list[dict[str, Any]]:
    if not settings.relying_parties:
        raise ConfigurationError("OIDC_CLIENTS_FILE is not set (the relying parties file)")
    return [party.to_config() for party in settings.relying_parties.values()]


def load_release_policy(settings: ProxySettings, parties: Iterable[Mapping[str, Any]]
                        ) -> dict[str, list[str]]:
    """``config/release_policy.yaml`` checked against the claims and the relying parties.

    Raises :class:`ConfigurationError` with a precise message: the proxy stops.
    """
    known_claims = openid_claim_names(load_yaml(settings, "internal_attributes.yaml"))
    try:
        return parse_policy(load_yaml(settings, POLICY_FILE), known_claims,
                            [party["client_id"] for party in parties],
                            str(settings.config_dir / POLICY_FILE))
    except ReleasePolicyError as error:
        raise ConfigurationError(str(error)) from error


def satosa_config(settings: ProxySettings, keys: ProxyKeys) -> dict[str, Any]:
    """The whole SATOSA configuration dictionary."""
    policy = load_yaml(settings, "proxy.yaml")
    parties = relying_parties(settings)
    redis_uri = pyop_redis_uri(settings.redis_url)
    backend = gar_backend(settings, keys, policy["saml"], parties, redis_uri)
    frontend = pix_frontend(settings, keys, policy["oidc"], parties, redis_uri)
    cookie = policy["state_cookie"]
    return {
        "BASE": settings.base_url,
        "COOKIE_STATE_NAME": cookie["name"],
        "COOKIE_MAX_AGE": cookie["max_age"],
        "COOKIE_SECURE": True,
        "COOKIE_HTTPONLY": True,
        "COOKIE_SAMESITE": "None",  # the GAR POSTs to the ACS cross-site
        "STATE_ENCRYPTION_KEY": keys.state_key.reveal(),
        "CONTEXT_STATE_DELETE": True,
        "INTERNAL_ATTRIBUTES": load_yaml(settings, "internal_attributes.yaml"),
        "BACKEND_MODULES": [backend],
        "FRONTEND_MODULES": [frontend],
        "MICRO_SERVICES": microservices(settings, keys),
        "PIXGAR_AUDIT": settings.audit.to_config(settings.data_dir, redis_uri),  # refusals
    }


def gar_backend(settings: ProxySettings, keys: ProxyKeys, saml: Mapping[str, Any],
                parties: list[dict[str, Any]], redis_uri: str) -> dict[str, Any]:
    """The SATOSA backend module facing the GAR (plugins/gar_frontend.py)."""
    metadata_file, metadata_watch = metadata_at_start(settings, redis_uri)  # docs/adr/0005
    return {
        "module": "proxy.plugins.gar_frontend.GarServiceProvider",
        "name": BACKEND_NAME,
        "config": {
            "sp_config": sp_config(settings, keys, metadata_file),
            "entityid_endpoint": True,
            "gar": {
                "redis_url": redis_uri,
                "request_ttl": saml["request_ttl"],
                "accepted_time_diff": saml["accepted_time_diff"],
                "unsolicited_ttl": saml["unsolicited_ttl"],
                "max_response_bytes": saml["max_response_bytes"],
                "relay_state": settings.resource_url,
                "allow_unsolicited": settings.allow_unsolicited,
                "oidc_issuer": settings.base_url,
                "relying_parties": parties,
                "published_certs": published_certs(settings, keys),  # keyring (metadata)
                "metadata": metadata_watch,
            },
        },
    }


def pix_frontend(settings: ProxySettings, keys: ProxyKeys, oidc: Mapping[str, Any],
                 parties: list[dict[str, Any]], redis_uri: str) -> dict[str, Any]:
    """The SATOSA frontend module facing Pix (plugins/pix_backend.py)."""
    config: dict[str, Any] = {
        "signing_key_path": str(keys.oidc_signing_key),
        "signing_key_id": signing_key_id(keys.oidc_signing_key),
        "db_uri": redis_uri,
        "seal_key": keys.state_key.reveal(),  # claims sealed in Redis (stores/seal.py)
        "sub_hash_salt": keys.sub_salt.reveal(),
        "relying_parties": parties,
        "release_policy": load_release_policy(settings, parties),  # oidc/release_policy.py
        "audit": settings.audit.to_config(settings.data_dir, redis_uri),  # observability/
        "provider": provider_policy(oidc),
    }
    config.update(oidc_key_config(settings, keys))  # keyring: kid, JWKS
    return {"module": "proxy.plugins.pix_backend.PixOpenIDProvider", "name": FRONTEND_NAME,
            "config": config}


def microservices(settings: ProxySettings, keys: ProxyKeys) -> list[dict[str, Any]]:
    """The SIECLE match, then the pseudonym, which uses the match."""
    siecle_match = {
        "module": "proxy.microservices.siecle_match.SiecleMatch",
        "name": "siecle_match",
        "config": {"database_url": settings.roster_database_url,
                   "database_pool": settings.database_pool.to_config()},
    }
    pseudonym = {
        "module": "proxy.microservices.pseudonym.GarPseudonym",
        "name": "pseudonym",
        "config": {
            "database_url": settings.roster_database_url,
            "database_pool": settings.database_pool.to_config(),  # DATABASE_POOL_*
            "keys": [{"version": v, "secret": s.reveal()} for v, s in keys.pseudonym_keys],
        },
    }
    return [siecle_match, pseudonym]


def provider_policy(oidc: Mapping[str, Any]) -> dict[str, Any]:
    """pyop's provider settings from the ``oidc`` part of ``config/proxy.yaml``."""
    return {
        "response_types_supported": ["code"],
        "subject_types_supported": ["pairwise"],
        "scopes_supported": ["openid", "profile"],
        "extra_scopes": oidc["scopes"],
        "authorization_code_lifetime": oidc["authorization_code_lifetime"],
        "access_token_lifetime": oidc["access_token_lifetime"],
        "id_token_lifetime": oidc["id_token_lifetime"],
    }
