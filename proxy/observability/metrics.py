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

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from prometheus_client import REGISTRY as REGISTRY  # the proxy's registry, for app.py
from prometheus_client import CollectorRegistry, Counter, Histogram

from kernel.metrics_endpoint import Samples, ScrapeTimeGauge

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

@contextmanager
def timed(step: str) -> Iterator[None]:
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

def scrape_time_gauges(valid_until: Callable[[], Samples], metadata_age: Callable[[], Samples],
                       key_ages: Callable[[], Samples]) -> CollectorRegistry:
    """The scrape-time gauges, each computed by its function when ``/metrics`` is read.

    The functions come from their concern: ``proxy/metadata/ages.py`` (the GAR metadata
    in use) and ``proxy/keys/ages.py`` (the keyring); ``proxy/app.py`` wires them.
    """
    registry = CollectorRegistry()
    ScrapeTimeGauge("pixgar_proxy_gar_metadata_valid_until_seconds",
                    "validUntil of the GAR metadata in use (epoch seconds)",
                    valid_until, registry=registry)
    ScrapeTimeGauge("pixgar_proxy_gar_metadata_age_seconds",
                    "Seconds since a GAR metadata document was last accepted on this host",
                    metadata_age, registry=registry)
    ScrapeTimeGauge("pixgar_proxy_key_age_seconds",
                    "Seconds since each live key of the keyring was created",
                    key_ages, ["kind", "state"], registry=registry)
    return registry
