"""Prometheus metrics of pix_core, counted at the HTTP edge and served at ``/metrics``.

- ``pixgar_pix_http_requests_total{route,method,status}``: requests answered by the pages;
- ``pixgar_pix_http_request_seconds{route}``: how long a page took;
- ``pixgar_pix_logins_total{outcome,reason}``: OIDC callbacks; ``success``/``ok``, else
  ``refused`` (4xx: the proxy's answer could not be trusted, unknown state, ...) or
  ``error`` (5xx: proxy unreachable, database down, unexpected) with the error's code.

``route`` is the URL rule (``/orga/<uai>/eleves``), never the path: no UAI, code or id in
a label, and as many series as rules; a path no rule matches is ``unmatched``. Methods
are the usual seven (else ``other``); reasons are codes from the source, an OP's error
code only if it is a standard one. So ``/metrics`` holds no personal data and its size is
bounded whatever a client sends. Static files and the probes are not counted.

The metrics live in :data:`REGISTRY`, pix_core's own, never the proxy's (both may run in
one process: ``pixgar demo``); ``kernel/metrics_endpoint.py`` serves it, multiprocess
mode included. The domain and use cases know nothing of this module.
"""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Histogram
from werkzeug import Request, Response

from kernel.oauth import AUTHORIZATION_ERROR_CODES
from pix_core.adapters.http.errors import kind_of, page_for
from pix_core.adapters.http.web import ROUTE_KEY, PixWeb

REGISTRY = CollectorRegistry()

REQUESTS = Counter("pixgar_pix_http_requests", "Requests answered by pix_core's pages",
                   ["route", "method", "status"], registry=REGISTRY)
REQUEST_SECONDS = Histogram("pixgar_pix_http_request_seconds", "Time to answer a page",
                            ["route"], registry=REGISTRY,
                            buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10))
LOGINS = Counter("pixgar_pix_logins", "OIDC callbacks by outcome and reason",
                 ["outcome", "reason"], registry=REGISTRY)

UNMATCHED = "unmatched"
SUCCESS, REFUSED, ERROR = "success", "refused", "error"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
OP_ERROR = "op_error:"  # pix_core/adapters/oidc/relying_party.py, + the OP's error code


class ObservedPixWeb(PixWeb):
    """``PixWeb`` measured at its edge: each request by route, each callback's outcome."""

    def dispatch(self, request: Request) -> Response:
        started = time.perf_counter()
        response = super().dispatch(request)  # every error is already a page here
        route = request.environ.get(ROUTE_KEY, UNMATCHED)  # set by PixWeb.dispatch
        REQUESTS.labels(route=route, method=method_label(request.method),
                        status=str(response.status_code)).inc()
        REQUEST_SECONDS.labels(route=route).observe(time.perf_counter() - started)
        return response

    def on_callback(self, request: Request) -> Response:
        try:
            response = super().on_callback(request)
        except Exception as error:  # counted, then mapped to its page by dispatch
            LOGINS.labels(*login_failure(error)).inc()
            raise
        LOGINS.labels(outcome=SUCCESS, reason="ok").inc()
        return response


def method_label(method: str) -> str:
    return method if method in METHODS else "other"


def login_failure(error: Exception) -> tuple[str, str]:
    """``(outcome, reason)`` of a failed callback: refused (4xx) or error (5xx), its code."""
    outcome = ERROR if page_for(error).status >= 500 else REFUSED
    return outcome, _bounded(kind_of(error) or "unexpected")


def _bounded(reason: str) -> str:
    if reason.startswith(OP_ERROR) and reason[len(OP_ERROR):] not in AUTHORIZATION_ERROR_CODES:
        return OP_ERROR + "other"  # the OP's code comes from the query string
    return reason
