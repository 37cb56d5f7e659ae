"""How old each live key of the keyring is: the ``pixgar_proxy_key_age_seconds`` gauge.

A key the keyring did not create (configured by ``*_FILE``) is dated by its file's
modification time when that is older than the keyring's record: an age at least this large.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from contextlib import suppress
from pathlib import Path

from kernel.metrics_endpoint import Samples
from proxy.keys.files import ProxyKeys
from proxy.keys.keyring import (
    CURRENT,
    KINDS,
    NEXT,
    OIDC_SIGNING,
    RETIRING,
    SAML_ENCRYPTION,
    SAML_SIGNING,
    KeyEntry,
    Keyring,
)


def configured_key_files(keys: ProxyKeys) -> dict[str, Path]:
    """The private key configured for each kind: the current one until the keyring has one."""
    return {SAML_SIGNING: keys.saml_key, SAML_ENCRYPTION: keys.saml_encryption_key,
            OIDC_SIGNING: keys.oidc_signing_key}


def key_ages(keyring: Keyring, configured: Mapping[str, Path], now: float) -> Samples:
    """Seconds since each live key was created, by (kind, state); the oldest when several."""
    ages: dict[tuple[str, ...], float] = {}
    for kind in KINDS:
        for state, created in _live_keys(keyring, kind, configured.get(kind)):
            labels = (kind, state)
            ages[labels] = max(ages.get(labels, 0.0), max(0.0, now - created))
    return ages


def _live_keys(keyring: Keyring, kind: str, configured: Path | None
               ) -> list[tuple[str, float]]:
    entries = keyring.with_status(kind, CURRENT, NEXT, RETIRING)
    keys = [(entry.status, _created(entry)) for entry in entries]
    if configured is not None and not any(state == CURRENT for state, _ in keys):
        created = _modified(configured)  # no keyring state: the configured key is current
        if created is not None:
            keys.append((CURRENT, created))
    return keys


def _created(entry: KeyEntry) -> float:
    recorded = dt.datetime.fromisoformat(entry.created_at).timestamp()
    if entry.owned:
        return recorded
    modified = _modified(Path(entry.key_file))  # recorded at the first rotation, not made
    return min(recorded, modified) if modified is not None else recorded


def _modified(path: Path) -> float | None:
    with suppress(OSError):
        return path.stat().st_mtime
    return None
