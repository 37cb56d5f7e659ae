"""Prometheus metrics of the proxy, served at ``/metrics`` (``kernel/metrics_endpoint.py``).

Counted as requests go, in the default ``REGISTRY`` (with several gunicorn workers and
``PROMETHEUS_MULTIPROC_DIR`` set, the page adds up every worker's values):

- ``pixgar_proxy_logins_total{outcome,reason,client}``: logins released or refused;
- ``pixgar_proxy_step_seconds{step}``: latency of ``acs`` (the GAR response checked),
  ``microservices`` (SIECLE match and pseudonym), ``authorization`` (the OP issuing the
  code) and ``token`` (the token endpoint);
- ``pixgar_proxy_replay_rejections_total{kind}``: replayed assertions and codes;
- ``pixgar_proxy_audit_failures_total``: events that could not be stored.

Computed at each scrape (:func:`scrape_time_gauges`), by the worker answering it:

- ``pixgar_proxy_gar_metadata_valid_until_seconds``: when the GAR metadata in use
  expires (epoch seconds; ``+Inf`` when it has no ``validUntil``);
- ``pixgar_proxy_gar_metadata_age_seconds``: since the last good copy of the GAR metadata
  was written on this host, i.e. since a document was last accepted: fetched and verified
  by a refresh (``pixgar metadata refresh`` or the periodic one), swapped into a worker, or
  verified at a worker's start. Growing past the refresh period: refreshes are failing;
- ``pixgar_proxy_key_age_seconds{kind,state}``: since each live key of the keyring was
  created; ``kind`` is ``saml-signing``, ``saml-encryption`` or ``oidc-signing`` (the
  names of ``pixgar keys``), ``state`` is ``current``, ``next`` or ``retiring``. A key the
  keyring did not create (configured by ``*_FILE``) is dated by its file's modification
  time when that is older than the keyring's record: an age at least this large.

Why at scrape rather than ``Gauge.set_function``: in multiprocess mode prometheus_client
never writes a ``set_function`` value to the workers' files (the page showed ``0``, an
expiry in 1970). These values come from state every worker shares (the metadata file, the
keyring directory), so the answering worker's reading is the proxy's; only
``valid_until`` may lag by ``GAR_METADATA_CHECK_SECONDS`` in a worker that has not yet
swapped a newly published document in.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram

from kernel.metrics_endpoint import Samples, ScrapeTimeGauge
from proxy.keyring import (
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

if TYPE_CHECKING:
    from proxy.keys import ProxyKeys
    from proxy.settings import ProxySettings

# The proxy's registry is prometheus_client's default one (with its process collectors);
# pix_core has its own, so that one process may serve both (``pixgar demo``).
LOGINS = Counter("pixgar_proxy_logins", "Logins answered by the proxy",
                 ["outcome", "reason", "client"], registry=REGISTRY)
STEP_SECONDS = Histogram("pixgar_proxy_step_seconds", "Latency of one step of a login",
                         ["step"], buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10),
                         registry=REGISTRY)
REPLAYS = Counter("pixgar_proxy_replay_rejections", "Replays refused", ["kind"],
                  registry=REGISTRY)
AUDIT_FAILURES = Counter("pixgar_proxy_audit_failures", "Audit events that could not be stored",
                         registry=REGISTRY)

REPLAY_CODES = {"replayed_assertion": "assertion"}

Clock = Callable[[], float]  # epoch seconds


@contextmanager
def timed(step: str):
    start = time.perf_counter()
    try:
        yield
    finally:
        STEP_SECONDS.labels(step=step).observe(time.perf_counter() - start)


def count_login(outcome: str, reason: str, client: str | None) -> None:
    LOGINS.labels(outcome=outcome, reason=reason, client=client or "unknown").inc()
    if reason in REPLAY_CODES:
        REPLAYS.labels(kind=REPLAY_CODES[reason]).inc()


# -- computed at scrape ----------------------------------------------------------------------

def scrape_time_gauges(app: Any, settings: ProxySettings) -> CollectorRegistry:
    """The scrape-time gauges of one proxy: ``app``'s GAR metadata and ``settings``' keyring.

    ``app`` may be rebuilt (``proxy/rotation.py``): its metadata watcher is looked up at
    each scrape.
    """
    from proxy.keys import load_keys
    from proxy.rotation import keyring_of

    return gauges_of(app, keyring_of(settings), configured_key_files(load_keys(settings)))


def gauges_of(app: Any, keyring: Keyring, configured: Mapping[str, Path],
              clock: Clock = time.time) -> CollectorRegistry:
    """:func:`scrape_time_gauges` with its parts given (tests pass a fake clock)."""
    registry = CollectorRegistry()
    ScrapeTimeGauge("pixgar_proxy_gar_metadata_valid_until_seconds",
                    "validUntil of the GAR metadata in use (epoch seconds)",
                    lambda: metadata_valid_until(metadata_watcher(app)), registry=registry)
    ScrapeTimeGauge("pixgar_proxy_gar_metadata_age_seconds",
                    "Seconds since a GAR metadata document was last accepted on this host",
                    lambda: metadata_age(metadata_watcher(app), clock()), registry=registry)
    ScrapeTimeGauge("pixgar_proxy_key_age_seconds",
                    "Seconds since each live key of the keyring was created",
                    lambda: key_ages(keyring, configured, clock()), ["kind", "state"],
                    registry=registry)
    return registry


def metadata_watcher(app: Any) -> Any:
    """The GAR backend's ``MetadataWatcher`` (``proxy/gar_metadata.py``), or None."""
    backends = getattr(getattr(app, "module_router", None), "backends", None) or {}
    for entry in backends.values():
        instance = entry.get("instance") if isinstance(entry, dict) else entry
        watcher = getattr(instance, "metadata_watcher", None)
        if watcher is not None:
            return watcher
    return None


def metadata_valid_until(watcher: Any) -> Samples:
    """The metadata's validUntil in epoch seconds; ``+Inf`` when it has none."""
    if watcher is None:
        return {}
    valid_until = watcher.current.valid_until
    return {(): valid_until.timestamp() if valid_until is not None else math.inf}


def metadata_age(watcher: Any, now: float) -> Samples:
    """Seconds since the watcher's last good copy was written; nothing if it has none."""
    if watcher is None:
        return {}
    written = _modified(Path(watcher.last_good))
    return {(): max(0.0, now - written)} if written is not None else {}


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
