"""Builds SATOSA's configuration from ``config/*.yaml`` (policy) and the settings (URLs, keys).

This is the one place where the proxy's settings, keys and plugins meet.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
import yaml
from cryptography.hazmat.primitives import serialization
from saml2 import BINDING_HTTP_POST
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_TRANSIENT

from proxy.keys import ProxyKeys
from proxy.plugins.gar_frontend import DIGEST_ALGORITHM, SIGNATURE_ALGORITHM
from proxy.release_policy import load_release_policy
from proxy.rotation import oidc_key_config, published_certs, saml_key_config
from proxy.settings import ProxySettings

BACKEND_NAME = "gar"
FRONTEND_NAME = "pix"
GAR_ATTRIBUTES = ("IDO", "UAI", "PRO", "NOM", "PRE", "CIV", "DIV", "GRO", "P_MEL", "P_MS",
                  "P_MS4", "E_MS", "idENT")
REQUIRED_GAR_ATTRIBUTES = {"IDO", "UAI", "PRO"}


class ConfigurationError(RuntimeError):
    """The proxy cannot start with this configuration; the message says what to fix."""


def load_yaml(settings: ProxySettings, name: str) -> dict[str, Any]:
    """Read ``config/<name>`` (or the same file in ``PIXGAR_CONFIG_DIR``)."""
    path = settings.config_dir / name
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ConfigurationError(f"{path}: {error}") from error


def sp_entity_id(settings: ProxySettings) -> str:
    """The SP entityID, which the GAR requires to be the URL its metadata is served at."""
    return f"{settings.base_url}/{BACKEND_NAME}/metadata"


def acs_url(settings: ProxySettings) -> str:
    return f"{settings.base_url}/{BACKEND_NAME}/acs/post"


def pyop_redis_uri(url: str) -> str:
    """pyop's Redis storage needs the database number in the path (``redis://h:6379/0``)."""
    parts = urlsplit(url)
    path = parts.path if parts.path.strip("/") else "/0"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, parts.fragment))


def idp_metadata_file(settings: ProxySettings) -> Path:
    """The GAR's metadata as a local file: ``GAR_IDP_METADATA`` is a path, or a URL fetched."""
    location = settings.gar_idp_metadata
    if not location:
        raise ConfigurationError("GAR_IDP_METADATA is not set (path or URL of the IdP metadata)")
    if not location.startswith(("https://", "http://")):
        path = Path(location)
        if not path.is_file():
            raise ConfigurationError(f"GAR_IDP_METADATA: no such file {path}")
        return path
    try:
        answer = requests.get(location, timeout=10)
        answer.raise_for_status()
    except requests.RequestException as error:
        raise ConfigurationError(f"GAR_IDP_METADATA: cannot fetch {location}: {error}") from error
    cached = settings.data_dir / "metadata" / "gar-idp.xml"
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_name(f".{cached.name}.{os.getpid()}.part")
    partial.write_bytes(answer.content)
    os.replace(partial, cached)  # atomic: a process reading the copy never sees half a file
    return cached


def sp_config(settings: ProxySettings, keys: ProxyKeys, metadata: Path | None) -> dict[str, Any]:
    """pysaml2's SP configuration for the GAR-facing service provider."""
    policy = load_yaml(settings, "proxy.yaml")["saml"]
    config: dict[str, Any] = {
        "entityid": sp_entity_id(settings),
        "name": "Pix",
        "description": "Pix, la plateforme d'évaluation des compétences numériques",
        "key_file": str(keys.saml_key),
        "cert_file": str(keys.saml_cert),
        "encryption_keypairs": [
            {"key_file": str(keys.saml_encryption_key),
             "cert_file": str(keys.saml_encryption_cert)}
        ],
        "accepted_time_diff": policy["accepted_time_diff"],
        "allow_unknown_attributes": True,
        "signing_algorithm": SIGNATURE_ALGORITHM,
        "digest_algorithm": DIGEST_ALGORITHM,
        "xmlsec_binary": shutil.which("xmlsec1"),
        "service": {
            "sp": {
                "authn_requests_signed": True,
                "want_response_signed": policy["want_response_signed"],
                "want_assertions_signed": True,
                "allow_unsolicited": settings.allow_unsolicited,
                "name_id_format": [NAMEID_FORMAT_TRANSIENT],
                "endpoints": {
                    "assertion_consumer_service": [(acs_url(settings), BINDING_HTTP_POST)],
                },
                "requested_attribute_name_format": NAME_FORMAT_URI,
                "required_attributes": [a for a in GAR_ATTRIBUTES if a in REQUIRED_GAR_ATTRIBUTES],
                "optional_attributes": [a for a in GAR_ATTRIBUTES
                                        if a not in REQUIRED_GAR_ATTRIBUTES],
            }
        },
    }
    config.update(saml_key_config(settings, keys))  # keyring: current, next, retiring keys
    if metadata is not None:
        config["metadata"] = {"local": [str(metadata)]}
    return config


def signing_key_id(key_path: Path) -> str:
    """A key ID derived from the public key, so each key has its own ``kid`` for rollover."""
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    der = key.public_key().public_bytes(serialization.Encoding.DER,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()[:16]


def relying_parties(settings: ProxySettings):
    if not settings.relying_parties:
        raise ConfigurationError("OIDC_CLIENTS_FILE is not set (the relying parties file)")
    return [party.to_config() for party in settings.relying_parties.values()]


def metadata_at_start(settings: ProxySettings, redis_url: str):
    """The GAR metadata file pysaml2 starts with and the watcher's config (gar_metadata_startup)."""
    from proxy.gar_metadata_startup import metadata_at_start as at_start

    return at_start(settings, redis_url)


def satosa_config(settings: ProxySettings, keys: ProxyKeys) -> dict[str, Any]:
    """The whole SATOSA configuration dictionary."""
    policy = load_yaml(settings, "proxy.yaml")
    parties = relying_parties(settings)
    redis_uri = pyop_redis_uri(settings.redis_url)
    metadata_file, metadata_watch = metadata_at_start(settings, redis_uri)  # docs/adr/0005
    backend = {
        "module": "proxy.plugins.gar_frontend.GarServiceProvider",
        "name": BACKEND_NAME,
        "config": {
            "sp_config": sp_config(settings, keys, metadata_file),
            "entityid_endpoint": True,
            "gar": {
                "redis_url": redis_uri,
                "request_ttl": policy["saml"]["request_ttl"],
                "accepted_time_diff": policy["saml"]["accepted_time_diff"],
                "unsolicited_ttl": policy["saml"]["unsolicited_ttl"],
                "max_response_bytes": policy["saml"]["max_response_bytes"],
                "relay_state": settings.resource_url,
                "allow_unsolicited": settings.allow_unsolicited,
                "oidc_issuer": settings.base_url,
                "relying_parties": parties,
                "published_certs": published_certs(settings, keys),  # keyring (metadata)
                "metadata": metadata_watch,
            },
        },
    }
    oidc = policy["oidc"]
    frontend: dict[str, Any] = {
        "module": "proxy.plugins.pix_backend.PixOpenIDProvider",
        "name": FRONTEND_NAME,
        "config": {
            "signing_key_path": str(keys.oidc_signing_key),
            "signing_key_id": signing_key_id(keys.oidc_signing_key),
            "db_uri": redis_uri,
            "seal_key": keys.state_key.reveal(),  # claims sealed in Redis (stores/seal.py)
            "sub_hash_salt": keys.sub_salt.reveal(),
            "relying_parties": parties,
            "release_policy": load_release_policy(settings, parties),  # proxy/release_policy.py
            "audit": settings.audit.to_config(settings.data_dir, redis_uri),  # proxy/audit.py
            "provider": provider_policy(oidc),
        },
    }
    frontend["config"].update(oidc_key_config(settings, keys))  # keyring: kid, JWKS
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
        "MICRO_SERVICES": [siecle_match, pseudonym],  # the pseudonym uses the match
        "PIXGAR_AUDIT": settings.audit.to_config(settings.data_dir, redis_uri),  # refusals
    }


def provider_policy(oidc: dict) -> dict:
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
