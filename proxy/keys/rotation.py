"""From the keyring's state to the proxy's configuration, and workers that follow it.

- :func:`saml_key_config`: pysaml2's ``key_file``/``cert_file`` (the current signing key)
  and ``encryption_keypairs`` (every key that may still decrypt: current, next, retiring);
- :func:`publish_in_metadata`: the SP metadata shows the current and next certificates
  of each use (retiring ones are no longer offered to the GAR);
- :func:`oidc_key_config`: pyop signs with the current key; the JWKS publishes current,
  next and retiring keys, each with its own ``kid``;
- :class:`ReloadingApp`: a worker rebuilds its SATOSA application when a state file
  changes (checked at most every ``PIXGAR_KEYRING_CHECK_SECONDS``), see docs/adr/0006.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from wsgiref.types import StartResponse, WSGIEnvironment

from jwkest.jwk import RSAKey, rsa_load
from saml2 import md
from saml2.metadata import do_key_descriptor

from proxy.keys.files import ProxyKeys
from proxy.keys.keyring import (
    CURRENT,
    NEXT,
    OIDC_SIGNING,
    RETIRING,
    SAML_ENCRYPTION,
    SAML_SIGNING,
    Clock,
    Keyring,
    key_id,
    system_clock,
)
from proxy.saml.algorithms import RSA_OAEP, RSA_OAEP_MGF1P, XENC11
from proxy.settings import ProxySettings, load_yaml

logger = logging.getLogger(__name__)

_ORDER = {CURRENT: 0, NEXT: 1, RETIRING: 2}
ADVERTISED_ENCRYPTION = (f"{XENC11}aes256-gcm", f"{XENC11}aes128-gcm", RSA_OAEP_MGF1P,
                         RSA_OAEP)  # all in proxy/saml/algorithms.py's allow-lists


def keyring_of(settings: ProxySettings, clock: Clock = system_clock) -> Keyring:
    return Keyring(settings.keyring_dir or settings.data_dir / "keyring", clock)


@dataclass(frozen=True)
class KeyFiles:
    key: Path
    cert: Path | None
    status: str


def _live(settings: ProxySettings, kind: str, configured: tuple[Path, Path | None]
          ) -> list[KeyFiles]:
    """Keys of ``kind`` that are not retired, current first; today's key when no state."""
    entries = keyring_of(settings).with_status(kind, CURRENT, NEXT, RETIRING)
    files = [KeyFiles(Path(e.key_file), Path(e.cert_file) if e.cert_file else None, e.status)
             for e in sorted(entries, key=lambda e: _ORDER[e.status])]
    if not any(f.status == CURRENT for f in files):
        files.insert(0, KeyFiles(configured[0], configured[1], CURRENT))
    return files


def saml_key_config(settings: ProxySettings, keys: ProxyKeys) -> dict[str, Any]:
    """The pysaml2 SP settings that depend on the keyring."""
    signing = _live(settings, SAML_SIGNING, (keys.saml_key, keys.saml_cert))[0]
    decrypting = _live(settings, SAML_ENCRYPTION,
                       (keys.saml_encryption_key, keys.saml_encryption_cert))
    return {
        "key_file": str(signing.key),
        "cert_file": str(signing.cert),
        "encryption_keypairs": [{"key_file": str(f.key), "cert_file": str(f.cert)}
                                for f in decrypting],
    }


def oidc_key_config(settings: ProxySettings, keys: ProxyKeys) -> dict[str, Any]:
    """pyop's signing key (the current one) and every key the JWKS publishes."""
    live = _live(settings, OIDC_SIGNING, (keys.oidc_signing_key, None))
    return {
        "signing_key_path": str(live[0].key),
        "signing_key_id": key_id(live[0].key),
        "published_signing_keys": [str(f.key) for f in live],
    }


def published_jwks(paths: list[str]) -> dict[str, Any]:
    """The JWKS document: the public part of each key, ``kid`` derived from the key."""
    keys = []
    for path in paths:
        key = RSAKey(key=rsa_load(path), use="sig", alg="RS256", kid=key_id(Path(path)))
        keys.append(key.serialize(private=False))
    return {"keys": keys}


def _cert_body(path: Path) -> str:
    text = path.read_text(encoding="ascii")
    lines = [line for line in text.splitlines() if line and not line.startswith("-----")]
    return "".join(lines)


def published_certs(settings: ProxySettings, keys: ProxyKeys) -> dict[str, list[str]]:
    """The certificates the SP metadata offers: current and next, per use (not retiring)."""
    signing = _live(settings, SAML_SIGNING, (keys.saml_key, keys.saml_cert))
    encryption = _live(settings, SAML_ENCRYPTION,
                       (keys.saml_encryption_key, keys.saml_encryption_cert))
    return {use: [str(f.cert) for f in files if f.cert and f.status in (CURRENT, NEXT)]
            for use, files in (("signing", signing), ("encryption", encryption))}


def publish_in_metadata(xml: str, certs: dict[str, list[str]]) -> str:
    """Replace the SP metadata's KeyDescriptors by ``certs`` (see :func:`published_certs`).

    Each encryption key lists the algorithms the proxy decrypts, in order of preference
    (SAML metadata ``md:EncryptionMethod``): an IdP that reads them (Shibboleth's does)
    encrypts with AES-GCM under RSA-OAEP instead of its CBC fallback, which the proxy
    refuses (proxy/saml/algorithms.py).
    """
    descriptor = md.entity_descriptor_from_string(xml)
    sp = descriptor.spsso_descriptor[0]
    encryption = do_key_descriptor(enc_cert=[_cert_body(Path(c)) for c in certs["encryption"]],
                                   use="encryption")
    for key_descriptor in encryption:
        key_descriptor.encryption_method = [md.EncryptionMethod(algorithm=algorithm)
                                            for algorithm in ADVERTISED_ENCRYPTION]
    sp.key_descriptor = [
        *do_key_descriptor(cert=[_cert_body(Path(c)) for c in certs["signing"]], use="signing"),
        *encryption,
    ]
    return str(descriptor.to_string().decode("utf-8"))


def retire_delays(settings: ProxySettings) -> dict[str, dt.timedelta]:
    """How long a key stays ``retiring`` before ``retire`` is accepted, per kind."""
    policy = load_yaml(settings, "proxy.yaml")
    oidc = policy["oidc"]
    skew = int(policy["saml"]["accepted_time_diff"])
    tokens = dt.timedelta(seconds=max(int(oidc["id_token_lifetime"]),
                                      int(oidc["access_token_lifetime"])) + skew)
    publish = dt.timedelta(hours=settings.key_publish_delay_hours)
    return {SAML_SIGNING: publish, SAML_ENCRYPTION: publish, OIDC_SIGNING: tokens}


def activate_delays(settings: ProxySettings) -> dict[str, dt.timedelta]:
    """How long a ``next`` key is published before ``activate`` is accepted, per kind.

    SAML: the GAR must have taken the new metadata. OIDC: every worker must serve the new
    key in its JWKS (two reload checks); relying parties refetch on an unknown ``kid``.
    """
    publish = dt.timedelta(hours=settings.key_publish_delay_hours)
    workers = dt.timedelta(seconds=2 * settings.keyring_check_seconds)
    return {SAML_SIGNING: publish, SAML_ENCRYPTION: publish, OIDC_SIGNING: workers}


class ReloadingApp:
    """A WSGI app rebuilt when the keyring's state changes, without a restart.

    At most every ``check_seconds`` one request compares the state files' modification
    times; on a change the application is rebuilt (by that request's thread, others keep
    serving the previous one) and swapped in. A failed rebuild is logged and the previous
    application stays. Everything a login needs is in Redis, so the swap loses nothing.
    """

    def __init__(self, build: Callable[[], Any], stamp: Callable[[], tuple[float, ...]],
                 check_seconds: float, monotonic: Callable[[], float] = time.monotonic):
        self._build, self._stamp, self._check_seconds = build, stamp, check_seconds
        self._monotonic = monotonic
        self._seen = stamp()
        self.app = build()
        self._checked = monotonic()
        self._lock = threading.Lock()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Any:
        self._maybe_reload()
        return self.app(environ, start_response)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.app, name)

    def _maybe_reload(self) -> None:
        now = self._monotonic()
        if now - self._checked < self._check_seconds or not self._lock.acquire(blocking=False):
            return
        try:
            self._checked = now
            stamp = self._stamp()
            if stamp == self._seen:
                return
            try:
                app = self._build()
            except Exception as error:  # keep serving with the previous keys
                logger.error("keyring changed but the proxy could not reload: %s",
                             type(error).__name__)
                return
            self.app, self._seen = app, stamp
            logger.info("keyring changed: proxy configuration reloaded")
        finally:
            self._lock.release()


def reloading_app(settings: ProxySettings, build: Callable[[], Any]) -> ReloadingApp:
    keyring = keyring_of(settings)
    return ReloadingApp(build, keyring.stamp, settings.keyring_check_seconds)
