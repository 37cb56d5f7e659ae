"""Typed settings of the proxy, read once from the environment.

Every value has an embedded development default so that ``pixgar demo`` runs on a fresh
machine; production sets them explicitly (see docs/configuration.md).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kernel.devkeys import default_data_dir
from kernel.secret import Secret, read_secret
from kernel.sql.engine import PoolSettings
from proxy.errors import ConfigurationError
from proxy.observability.audit import AuditSettings
from proxy.oidc.clients import RelyingParty, load_relying_parties

REPO_CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"

DEFAULT_REDIS_KEY = "pixgar:gar-metadata:current"


@dataclass(frozen=True)
class MetadataSettings:
    """``GAR_METADATA_*``: the pinned certificate(s), the warning delay, the refresh cadence."""

    signing_cert: Path | None = None  # GAR_METADATA_SIGNING_CERT: one or more PEM certificates
    warn_days: int = 7  # GAR_METADATA_WARN_DAYS
    check_seconds: float = 10.0  # GAR_METADATA_CHECK_SECONDS: a worker's Redis digest GET
    refresh_seconds: int = 0  # GAR_METADATA_REFRESH_SECONDS: in-proxy periodic refresh, 0 = off
    redis_key: str = DEFAULT_REDIS_KEY  # GAR_METADATA_REDIS_KEY
    last_good_file: Path | None = None  # GAR_METADATA_LAST_GOOD_FILE, else in the data dir

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> MetadataSettings:
        cert = env.get("GAR_METADATA_SIGNING_CERT")
        try:
            return cls(
                signing_cert=Path(cert) if cert else None,
                warn_days=int(env.get("GAR_METADATA_WARN_DAYS") or 7),
                check_seconds=float(env.get("GAR_METADATA_CHECK_SECONDS") or 10),
                refresh_seconds=int(env.get("GAR_METADATA_REFRESH_SECONDS") or 0),
                redis_key=env.get("GAR_METADATA_REDIS_KEY") or DEFAULT_REDIS_KEY,
                last_good_file=Path(env["GAR_METADATA_LAST_GOOD_FILE"])
                if env.get("GAR_METADATA_LAST_GOOD_FILE") else None,
            )
        except ValueError as error:
            raise ValueError(f"GAR_METADATA_*: expected a number ({error})") from None


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class ProxySettings:
    """Everything the proxy needs to start; build it with :meth:`from_env`."""

    base_url: str = "https://localhost:8443"
    pix_base_url: str = "https://localhost:8444"
    redis_url: str = "redis://127.0.0.1:6379/0"
    gar_idp_metadata: str = ""
    oidc_clients_file: Path | None = None
    relying_parties: Mapping[str, RelyingParty] = field(default_factory=dict)
    data_dir: Path = field(default_factory=default_data_dir)
    config_dir: Path = REPO_CONFIG_DIR
    relay_state: str = ""
    allow_unsolicited: bool = True
    generate_dev_keys: bool = True
    log_level: str = "INFO"
    state_key: Secret | None = None
    pseudonym_keys: Secret | None = None
    database_url: str = ""
    database_pool: PoolSettings = field(default_factory=PoolSettings)  # DATABASE_POOL_*
    sub_salt: Secret | None = None
    saml_key_file: Path | None = None
    saml_cert_file: Path | None = None
    saml_encryption_key_file: Path | None = None
    saml_encryption_cert_file: Path | None = None
    oidc_signing_key_file: Path | None = None
    metadata: MetadataSettings = field(default_factory=MetadataSettings)  # GAR_METADATA_*
    audit: AuditSettings = field(default_factory=AuditSettings)  # PIXGAR_AUDIT_* (audit.py)
    keyring_dir: Path | None = None  # PIXGAR_KEYRING_DIR, else <data dir>/keyring
    key_publish_delay_hours: float = 24.0
    keyring_check_seconds: float = 5.0

    @property
    def roster_database_url(self) -> str:
        """Pseudonym records and the roster: ``PROXY_DATABASE_URL``, else pix_core's database."""
        return self.database_url or f"sqlite:///{self.data_dir / 'pix.db'}"

    @property
    def resource_url(self) -> str:
        """The RelayState sent with every AuthnRequest (the GAR's rule: the resource URL)."""
        return self.relay_state or self.pix_base_url

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ProxySettings:
        """Read the settings from ``environ`` (default: the process environment)."""
        env = os.environ if environ is None else environ

        def path(name: str) -> Path | None:
            value = env.get(name)
            return Path(value) if value else None

        defaults = cls()
        clients_file = path("OIDC_CLIENTS_FILE")
        return cls(
            base_url=env.get("PROXY_BASE_URL", defaults.base_url).rstrip("/"),
            pix_base_url=env.get("PIX_BASE_URL", defaults.pix_base_url).rstrip("/"),
            redis_url=env.get("REDIS_URL", defaults.redis_url),
            gar_idp_metadata=env.get("GAR_IDP_METADATA", ""),
            oidc_clients_file=clients_file,
            relying_parties=load_relying_parties(clients_file, env) if clients_file else {},
            data_dir=path("PIXGAR_DATA_DIR") or defaults.data_dir,
            config_dir=path("PIXGAR_CONFIG_DIR") or REPO_CONFIG_DIR,
            relay_state=env.get("GAR_RELAY_STATE", ""),
            allow_unsolicited=_flag(env.get("GAR_ALLOW_UNSOLICITED"), True),
            generate_dev_keys=_flag(env.get("PIXGAR_GENERATE_DEV_KEYS"), True),
            log_level=env.get("LOG_LEVEL", "INFO").upper(),
            state_key=read_secret("PROXY_STATE_KEY", env),
            pseudonym_keys=read_secret("PROXY_PSEUDONYM_KEYS", env),
            database_url=env.get("PROXY_DATABASE_URL") or env.get("DATABASE_URL") or "",
            database_pool=PoolSettings.from_env(env),
            sub_salt=read_secret("PROXY_SUB_SALT", env),
            saml_key_file=path("SAML_SIGNING_KEY_FILE"),
            saml_cert_file=path("SAML_SIGNING_CERT_FILE"),
            saml_encryption_key_file=path("SAML_ENCRYPTION_KEY_FILE"),
            saml_encryption_cert_file=path("SAML_ENCRYPTION_CERT_FILE"),
            oidc_signing_key_file=path("OIDC_SIGNING_KEY_FILE"),
            metadata=MetadataSettings.from_env(env),
            audit=AuditSettings.from_env(env),
            keyring_dir=path("PIXGAR_KEYRING_DIR"),
            key_publish_delay_hours=float(env.get("PIXGAR_KEY_PUBLISH_DELAY_HOURS") or 24),
            keyring_check_seconds=float(env.get("PIXGAR_KEYRING_CHECK_SECONDS") or 5),
        )


def load_yaml(settings: ProxySettings, name: str) -> dict[str, Any]:
    """Read ``config/<name>`` (or the same file in ``PIXGAR_CONFIG_DIR``)."""
    path = settings.config_dir / name
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ConfigurationError(f"{path}: {error}") from error
    if not isinstance(document, dict):
        raise ConfigurationError(f"{path}: expected a mapping at the top")
    return document
