"""Prometheus metrics of the proxy, served at ``/metrics``.

- ``pixgar_proxy_logins_total{outcome,reason,client}``: logins released or refused;
- ``pixgar_proxy_step_seconds{step}``: latency of ``acs`` (the GAR response checked),
  ``microservices`` (SIECLE match and pseudonym), ``authorization`` (the OP issuing the
  code) and ``token`` (the token endpoint);
- ``pixgar_proxy_replay_rejections_total{kind}``: replayed assertions and codes;
- ``pixgar_proxy_audit_failures_total``: events that could not be stored;
- ``pixgar_proxy_gar_metadata_valid_until_seconds``: when the GAR metadata in use expires.

With several gunicorn workers set ``PROMETHEUS_MULTIPROC_DIR`` (an empty directory per
start): ``/metrics`` then adds up every worker's values.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

METRICS_PATH = "/metrics"

LOGINS = Counter("pixgar_proxy_logins", "Logins answered by the proxy",
                 ["outcome", "reason", "client"])
STEP_SECONDS = Histogram("pixgar_proxy_step_seconds", "Latency of one step of a login",
                         ["step"], buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10))
REPLAYS = Counter("pixgar_proxy_replay_rejections", "Replays refused", ["kind"])
AUDIT_FAILURES = Counter("pixgar_proxy_audit_failures", "Audit events that could not be stored")
METADATA_VALID_UNTIL = Gauge("pixgar_proxy_gar_metadata_valid_until_seconds",
                             "validUntil of the GAR metadata in use (epoch seconds)",
                             multiprocess_mode="min")

REPLAY_CODES = {"replayed_assertion": "assertion"}


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


def exposition() -> tuple[bytes, str]:
    """The metrics page: this process's registry, or every worker's in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


class MetricsEndpoint:
    """WSGI middleware answering ``GET /metrics``; every other path goes to ``app``.

    The page holds no personal data (client ids and reason codes only); restrict it to the
    monitoring network at the reverse proxy all the same.
    """

    def __init__(self, app) -> None:
        self.app = app

    def __getattr__(self, name):
        return getattr(self.app, name)

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == METRICS_PATH and environ.get("REQUEST_METHOD") == "GET":
            body, content_type = exposition()
            start_response("200 OK", [("Content-Type", content_type),
                                      ("Cache-Control", "no-store")])
            return [body]
        return self.app(environ, start_response)
