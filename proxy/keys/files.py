"""Key material of the proxy: from the environment or secret files, else generated for development.

With ``PIXGAR_GENERATE_DEV_KEYS=0`` (production) a missing key stops the proxy with a
message naming the variable to set; nothing is ever generated silently there. So does a
private key file that its group or other users may read or write: private keys are for
the service user only (``chmod 600``; on Kubernetes, ``defaultMode: 0400``).
"""

from __future__ import annotations

import stat
from dataclasses import dataclass
from pathlib import Path

from kernel.devkeys import ensure_random_secret, ensure_rsa_key, ensure_self_signed_cert
from kernel.secret import Secret
from proxy.settings import ProxySettings


class MissingKeyError(RuntimeError):
    """A key or secret is neither configured nor allowed to be generated."""


class ExposedKeyError(MissingKeyError):
    """A configured private key file is open to other users than the service user."""


def check_private(path: Path, variable: str) -> Path:
    """Refuse a private key file with any group or other permission; return ``path``."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ExposedKeyError(f"{variable} {path} is open to group or others (mode "
                              f"{mode:04o}): make it readable by the service user only "
                              f"(chmod 600)")
    return path


@dataclass(frozen=True)
class ProxyKeys:
    """Paths and secrets the SATOSA plugins are configured with."""

    saml_key: Path
    saml_cert: Path
    saml_encryption_key: Path
    saml_encryption_cert: Path
    oidc_signing_key: Path
    state_key: Secret
    pseudonym_keys: tuple[tuple[str, Secret], ...]  # (version, secret), newest first
    sub_salt: Secret


def _pair(settings: ProxySettings, key: Path | None, cert: Path | None, stem: str,
          variable: str) -> tuple[Path, Path]:
    if key and cert:
        return (check_private(key, f"{variable}_KEY_FILE") if not settings.generate_dev_keys
                else key), cert
    if not settings.generate_dev_keys:
        raise MissingKeyError(f"{variable}_KEY_FILE and {variable}_CERT_FILE must be set")
    keydir = settings.data_dir / "keys"
    return ensure_self_signed_cert(keydir / f"{stem}.key", keydir / f"{stem}.crt", "pix-gar proxy")


def _secret(settings: ProxySettings, value: Secret | None, stem: str, variable: str) -> Secret:
    if value is not None:
        return value
    if not settings.generate_dev_keys:
        raise MissingKeyError(f"{variable} (or {variable}_FILE) must be set")
    return Secret(ensure_random_secret(settings.data_dir / "keys" / f"{stem}.secret"))


def parse_pseudonym_keys(value: Secret) -> tuple[tuple[str, Secret], ...]:
    """``"v2:secret2,v1:secret1"`` (newest first) → versions and secrets; a bare value is v1."""
    entries = [part.strip() for part in value.reveal().split(",") if part.strip()]
    keys = []
    for entry in entries:
        version, separator, secret = entry.partition(":")
        keys.append((version, Secret(secret)) if separator else ("v1", Secret(entry)))
    versions = [version for version, _ in keys]
    if not keys or len(set(versions)) != len(versions) or any(not s.reveal() for _, s in keys):
        raise MissingKeyError("PROXY_PSEUDONYM_KEYS: expected 'version:secret,...', newest "
                              "first, each version once")
    return tuple(keys)


def load_keys(settings: ProxySettings) -> ProxyKeys:
    """Resolve every key the proxy needs, generating development keys when allowed."""
    saml_key, saml_cert = _pair(settings, settings.saml_key_file, settings.saml_cert_file,
                                "saml-signing", "SAML_SIGNING")
    enc_key, enc_cert = _pair(settings, settings.saml_encryption_key_file,
                              settings.saml_encryption_cert_file, "saml-encryption",
                              "SAML_ENCRYPTION")
    oidc_key = settings.oidc_signing_key_file
    if oidc_key is not None and not settings.generate_dev_keys:
        check_private(oidc_key, "OIDC_SIGNING_KEY_FILE")
    if oidc_key is None:
        if not settings.generate_dev_keys:
            raise MissingKeyError("OIDC_SIGNING_KEY_FILE must be set")
        oidc_key = ensure_rsa_key(settings.data_dir / "keys" / "oidc-signing.key")
    return ProxyKeys(
        saml_key=saml_key,
        saml_cert=saml_cert,
        saml_encryption_key=enc_key,
        saml_encryption_cert=enc_cert,
        oidc_signing_key=oidc_key,
        state_key=_secret(settings, settings.state_key, "state", "PROXY_STATE_KEY"),
        pseudonym_keys=parse_pseudonym_keys(
            _secret(settings, settings.pseudonym_keys, "pseudonym-keys", "PROXY_PSEUDONYM_KEYS")),
        sub_salt=_secret(settings, settings.sub_salt, "sub-salt", "PROXY_SUB_SALT"),
    )
