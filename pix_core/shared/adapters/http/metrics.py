"""Prometheus metrics of pix_core, counted at the HTTP edge and served at ``/metrics``.

- ``pixgar_pix_http_requests_total{route,method,status}``: requests answered by the pages;
- ``pixgar_pix_http_request_seconds{route}``: how long a page took;
- ``pixgar_pix_logins_total{outcome,reason}``: OIDC callbacks, counted by accounts' pages
  (``accounts/adapters/http/login_metrics.py``) in this registry.

``route`` is the URL rule (``/orga/<uai>/eleves``), never the path: no UAI, code or id in
a label, and as many series as rules; a path no rule matches is ``unmatched``. Methods
are the usual seven (else ``other``). So ``/metrics`` holds no personal data and its size
is bounded whatever a client sends. Static files and the probes are not counted.

The metrics live in :data:`REGISTRY`, pix_core's own, never the proxy's (both may run in
one process: ``pixgar demo``); ``kernel/metrics_endpoint.py`` serves it, multiprocess
mode included. The domains and use cases know nothing of this module.
"""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Histogram
from werkzeug import Request, Response

from pix_core.shared.adapters.http.web import ROUTE_KEY, PixWeb

REGISTRY = CollectorRegistry()

REQUESTS = Counter("pixgar_pix_http_requests", "Requests answered by pix_core's pages",
                   ["route", "method", "status"], registry=REGISTRY)
REQUEST_SECONDS = Histogram("pixgar_pix_http_request_seconds", "Time to answer a page",
                            ["route"], registry=REGISTRY,
                            buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10))

UNMATCHED = "unmatched"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class ObservedPixWeb(PixWeb):
    """``PixWeb`` measured at its edge: each request by route."""

    def dispatch(self, request: Request) -> Response:
        started = time.perf_counter()
        response = super().dispatch(request)  # every error is already a page here
        route = request.environ.get(ROUTE_KEY, UNMATCHED)  # set by PixWeb.dispatch
        REQUESTS.labels(route=route, method=method_label(request.method),
                        status=str(response.status_code)).inc()
        REQUEST_SECONDS.labels(route=route).observe(time.perf_counter() - started)
        return response


def method_label(method: str) -> str:
    return method if method in METHODS else "other"
