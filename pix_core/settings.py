"""Typed settings, read once from the environment and frozen afterwards.

| variable | default |
| --- | --- |
| ``PIX_BASE_URL`` | ``https://localhost:8444`` |
| ``PROXY_BASE_URL`` | ``https://localhost:8443`` (the OIDC issuer, exactly) |
| ``PIX_CLIENT_ID`` | ``pix`` |
| ``PIX_CLIENT_SECRET`` / ``PIX_CLIENT_SECRET_FILE`` | required |
| ``PROXY_CA_FILE`` | unset: system CAs verify the proxy's certificate |
| ``DATABASE_URL`` | ``sqlite:///<PIXGAR_DATA_DIR or ./var>/pix.db`` |
| ``PIX_SESSION_LIFETIME_MINUTES`` | ``480`` |
| ``LOG_LEVEL`` | ``INFO`` |
| ``PIX_MAX_LEVEL`` | ``5`` (highest competence level open to users, 1..8) |
| ``PIX_TRUSTED_PROXIES`` | ``0``: the client address is the socket's; ``n``: taken from the |
|                         | ``X-Forwarded-For`` entry ``n`` reverse proxies back (rate limits) |
| ``SMTP_URL`` / ``SMTP_URL_FILE`` | unset: no mail (pages that mail answer 503); |
|                         | ``smtp://``, ``smtp+starttls://``, ``smtps://`` (mail/smtp.py) |
| ``SMTP_CA_FILE`` | unset: system CAs verify the SMTP server's certificate |
| ``MAIL_FROM`` | ``Pix <ne-pas-repondre@pix.localhost>`` |
| ``DATABASE_POOL_SIZE``, ``DATABASE_POOL_MAX_OVERFLOW``, ``DATABASE_POOL_TIMEOUT`` | |
|                         | ``GUNICORN_THREADS`` (else 4), ``0``, ``5`` s: kernel/sql/engine.py |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from kernel.devkeys import default_data_dir
from kernel.secret import Secret, read_secret
from kernel.sql.engine import PoolSettings
from pix_core.accounts.adapters.mail.smtp import SmtpServer, SmtpUrlError, parse_smtp_url
from pix_core.accounts.adapters.oidc.port import CALLBACK_PATH

DEFAULT_MAIL_FROM = "Pix <ne-pas-repondre@pix.localhost>"


class SettingsError(ValueError):
    """A setting is missing or malformed (the message names the variable, never a value)."""


@dataclass(frozen=True)
class PixSettings:
    base_url: str
    proxy_base_url: str
    client_id: str
    client_secret: Secret
    database_url: str
    proxy_ca_file: Path | None = None
    session_lifetime: timedelta = timedelta(hours=8)
    log_level: str = "INFO"
    max_open_level: int = 5
    trusted_proxies: int = 0  # reverse proxies whose X-Forwarded-For is believed
    smtp: SmtpServer | None = None  # None: no mail goes out
    mail_from: str = DEFAULT_MAIL_FROM
    database_pool: PoolSettings = PoolSettings()  # DATABASE_POOL_* (kernel/sql/engine.py)

    @property
    def issuer(self) -> str:
        """The proxy's OIDC issuer: its base URL, exactly."""
        return self.proxy_base_url

    @property
    def redirect_uri(self) -> str:
        return self.base_url + CALLBACK_PATH

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> PixSettings:
        env = os.environ if environ is None else environ
        secret = read_secret("PIX_CLIENT_SECRET", env)
        if secret is None:
            raise SettingsError("PIX_CLIENT_SECRET or PIX_CLIENT_SECRET_FILE must be set")
        ca_file = env.get("PROXY_CA_FILE")
        return cls(
            base_url=_url(env, "PIX_BASE_URL", "https://localhost:8444"),
            proxy_base_url=_url(env, "PROXY_BASE_URL", "https://localhost:8443", https=True),
            client_id=env.get("PIX_CLIENT_ID") or "pix",
            client_secret=secret,
            database_url=database_url_from_env(env),
            proxy_ca_file=Path(ca_file) if ca_file else None,
            session_lifetime=timedelta(
                minutes=_positive_int(env, "PIX_SESSION_LIFETIME_MINUTES", 480)
            ),
            log_level=(env.get("LOG_LEVEL") or "INFO").upper(),
            max_open_level=_max_level(env),
            trusted_proxies=_count(env, "PIX_TRUSTED_PROXIES"),
            smtp=_smtp(env),
            mail_from=env.get("MAIL_FROM") or DEFAULT_MAIL_FROM,
            database_pool=_pool(env),
        )


def _pool(env: Mapping[str, str]) -> PoolSettings:
    try:
        return PoolSettings.from_env(env)
    except ValueError as error:
        raise SettingsError(str(error)) from None


def database_url_from_env(environ: Mapping[str, str] | None = None) -> str:
    """``DATABASE_URL``, or the embedded SQLite file in the data dir (all ``db upgrade`` needs)."""
    env = os.environ if environ is None else environ
    return env.get("DATABASE_URL") or _default_database_url(env)


def _default_database_url(env: Mapping[str, str]) -> str:
    data_dir = Path(env["PIXGAR_DATA_DIR"]).resolve() if env.get("PIXGAR_DATA_DIR") else None
    return f"sqlite:///{data_dir or default_data_dir()}/pix.db"


def _url(env: Mapping[str, str], name: str, default: str, https: bool = False) -> str:
    value = (env.get(name) or default).rstrip("/")
    parts = urlsplit(value)
    allowed = ("https",) if https else ("https", "http")
    if parts.scheme not in allowed or not parts.netloc or parts.query or parts.fragment:
        raise SettingsError(f"{name} must be an absolute {'/'.join(allowed)} URL")
    return value


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer") from None
    if value <= 0:
        raise SettingsError(f"{name} must be positive")
    return value


def _count(env: Mapping[str, str], name: str) -> int:
    """A non-negative integer, 0 when unset."""
    raw = env.get(name) or "0"
    if not raw.isdigit():
        raise SettingsError(f"{name} must be a whole number (0 or more)")
    return int(raw)


def _max_level(env: Mapping[str, str]) -> int:
    value = _positive_int(env, "PIX_MAX_LEVEL", 5)
    if value > 8:
        raise SettingsError("PIX_MAX_LEVEL must be between 1 and 8")
    return value


def _smtp(env: Mapping[str, str]) -> SmtpServer | None:
    url = read_secret("SMTP_URL", env)
    if url is None or not url.reveal():
        return None
    ca_file = env.get("SMTP_CA_FILE")
    try:
        return parse_smtp_url(url, Path(ca_file) if ca_file else None)
    except SmtpUrlError as error:
        raise SettingsError(str(error)) from None
