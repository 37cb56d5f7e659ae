"""``GET /metrics`` for one application: the Prometheus page of *its* metrics only.

Each application keeps its metrics in its own registry (the proxy: the default
``REGISTRY``, ``proxy/observability/metrics.py``; pix_core:
``pix_core/shared/adapters/http/metrics.py``), so that ``pixgar demo``, which serves both
from one process, shows each its own page.

Gauges computed when the page is asked for (metadata expiry, key ages) are not in that
registry: they are :class:`ScrapeTimeGauge` collectors, given as ``scrape_time``.

**Multiprocess mode** (``PROMETHEUS_MULTIPROC_DIR`` set, gunicorn with several workers).
Every worker writes its counters, histograms and plain gauges to files in that directory
and the page adds up every worker's files. Two consequences, as prometheus_client's
documentation warns:

- the files hold the metrics of *every* registry of every process using the directory
  (``all instantiated metrics are exported``): the page keeps only the families that the
  application's registry declares, so pix_core never shows the proxy's metrics, nor the
  other way round, even when both share the directory or the process;
- a gauge using ``set_function`` never reaches the files (they hold ``0`` for it): the
  scrape-time gauges are therefore collected in the worker that answers the request. They
  read shared state (files, the keyring), so every worker gives the same answer.

Give each server its own empty directory at every start (the client's rule).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

METRICS_PATH = "/metrics"
MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"

Samples = Mapping[tuple[str, ...], float]  # label values → value


class ScrapeTimeGauge:
    """A gauge computed at each scrape: ``read()`` returns ``{label values: value}``.

    The multiprocess-safe counterpart of ``Gauge.set_function`` (see the module docstring),
    with labels. A failing ``read`` is logged and gives no sample; the page still answers::

        ScrapeTimeGauge("app_cache_entries", "Entries in the cache",
                        lambda: {(): float(len(cache))}, registry=registry)
    """

    def __init__(self, name: str, documentation: str, read: Callable[[], Samples],
                 labelnames: Sequence[str] = (),
                 registry: CollectorRegistry | None = None) -> None:
        self.name = name
        self.documentation = documentation
        self.labelnames = tuple(labelnames)
        self.read = read
        if registry is not None:
            registry.register(self)

    def describe(self) -> list[Metric]:
        """The family without samples: registering does not call ``read``."""
        return [self._family()]

    def collect(self) -> list[Metric]:
        family = self._family()
        try:
            samples = self.read()
        except Exception as error:  # a scrape never fails for one gauge; never the message
            logger.warning("metric %s not computed: %s", self.name, type(error).__name__)
            samples = {}
        for labels, value in samples.items():
            family.add_metric(list(labels), value)
        return [family]

    def _family(self) -> GaugeMetricFamily:
        return GaugeMetricFamily(self.name, self.documentation, labels=self.labelnames)


class _Page:
    """What one scrape shows: the metrics of each source, in order."""

    def __init__(self, *sources: Collector) -> None:
        self.sources = sources

    def collect(self) -> Iterable[Metric]:
        for source in self.sources:
            yield from source.collect()


class _Declared:
    """The metric families of ``collector`` whose names ``registry`` declares."""

    def __init__(self, collector: Collector, registry: Collector) -> None:
        self.collector = collector
        self.registry = registry

    def collect(self) -> Iterable[Metric]:
        names = {family.name for family in self.registry.collect()}
        return [family for family in self.collector.collect() if family.name in names]


def exposition(registry: Collector, scrape_time: Collector | None = None) -> bytes:
    """The text page of ``registry`` (every worker's values in multiprocess mode) and
    ``scrape_time`` (computed now, in this process)."""
    sources: list[Collector] = [_every_worker(registry) if os.environ.get(MULTIPROC_DIR)
                                else registry]
    if scrape_time is not None:
        sources.append(scrape_time)
    return generate_latest(_Page(*sources))


def _every_worker(registry: Collector) -> Collector:
    from prometheus_client import multiprocess

    return _Declared(multiprocess.MultiProcessCollector(None), registry)


class MetricsEndpoint:
    """WSGI middleware answering ``GET /metrics`` with ``registry``; the rest goes to ``app``.

    Label values must be codes, routes and client ids, never personal data; restrict the
    path to the monitoring network at the reverse proxy all the same.
    """

    def __init__(self, app: Any, registry: Collector, *,
                 scrape_time: Collector | None = None) -> None:
        self.app = app
        self.registry = registry
        self.scrape_time = scrape_time

    def __getattr__(self, name: str) -> Any:
        return getattr(self.app, name)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("PATH_INFO") == METRICS_PATH and environ.get("REQUEST_METHOD") == "GET":
            body = exposition(self.registry, self.scrape_time)
            start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST),
                                      ("Cache-Control", "no-store")])
            return [body]
        return self.app(environ, start_response)
