"""kernel/metrics_endpoint.py: one app's registry at GET /metrics, multiprocess mode included."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, Counter
from prometheus_client.parser import text_string_to_metric_families
from werkzeug.test import Client
from werkzeug.wrappers import Response

from kernel.metrics_endpoint import MetricsEndpoint, ScrapeTimeGauge, exposition

REPO = Path(__file__).resolve().parents[2]


def samples(page: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """``{(sample name, sorted labels): value}`` of a text exposition page (no ``_created``)."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(page) for s in family.samples
            if not s.name.endswith("_created")}


def hello(environ, start_response):
    return Response("hello")(environ, start_response)


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


def test_get_metrics_answers_with_the_registry_and_nothing_is_cached(registry):
    Counter("app_things", "Things", ["kind"], registry=registry).labels(kind="a").inc(2)
    page = Client(MetricsEndpoint(hello, registry)).get("/metrics")

    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/plain")
    assert page.headers["Cache-Control"] == "no-store"
    assert samples(page.get_data(as_text=True)) == {("app_things_total", (("kind", "a"),)): 2.0}


def test_other_paths_and_methods_reach_the_app(registry):
    client = Client(MetricsEndpoint(hello, registry))
    assert client.get("/").get_data(as_text=True) == "hello"
    assert client.post("/metrics").get_data(as_text=True) == "hello"
    assert client.get("/metrics/x").get_data(as_text=True) == "hello"


def test_each_endpoint_shows_its_own_registry_only(registry):
    other = CollectorRegistry()
    Counter("mine", "Mine", registry=registry).inc()
    Counter("theirs", "Theirs", registry=other).inc()

    page = Client(MetricsEndpoint(hello, registry)).get("/metrics").get_data(as_text=True)

    assert "mine_total" in page
    assert "theirs" not in page


def test_scrape_time_gauges_are_computed_at_each_scrape(registry):
    values = iter([1.0, 2.0])
    gauges = CollectorRegistry()
    ScrapeTimeGauge("app_level", "Level", lambda: {("x",): next(values)}, ["axis"],
                    registry=gauges)
    client = Client(MetricsEndpoint(hello, registry, scrape_time=gauges))

    first, second = (samples(client.get("/metrics").get_data(as_text=True)) for _ in range(2))

    assert first == {("app_level", (("axis", "x"),)): 1.0}
    assert second == {("app_level", (("axis", "x"),)): 2.0}


def test_registering_a_scrape_time_gauge_does_not_compute_it():
    def read():
        raise AssertionError("computed at registration")

    ScrapeTimeGauge("app_lazy", "Lazy", read, registry=CollectorRegistry(auto_describe=True))


def test_a_failing_gauge_gives_no_sample_and_the_page_still_answers(registry, caplog):
    Counter("app_ok", "Fine", registry=registry).inc()
    gauges = CollectorRegistry()

    def read():
        raise OSError("/secret/path/of/the/key")

    ScrapeTimeGauge("app_broken", "Broken", read, registry=gauges)
    with caplog.at_level(logging.WARNING):
        page = exposition(registry, gauges).decode()

    assert samples(page) == {("app_ok_total", ()): 1.0}  # app_broken: no sample
    assert "app_broken not computed: OSError" in caplog.text
    assert "/secret/path" not in caplog.text


WORKER = textwrap.dedent("""
    import json, sys
    from prometheus_client import CollectorRegistry, Counter, Gauge
    from kernel.metrics_endpoint import ScrapeTimeGauge, exposition

    pix, proxy = CollectorRegistry(), CollectorRegistry()
    logins = Counter("pix_logins", "Logins", ["outcome"], registry=pix)
    steps = Counter("proxy_steps", "Steps", registry=proxy)
    old_style = Gauge("proxy_old_style", "set_function", registry=proxy)
    old_style.set_function(lambda: 42.0)
    gauges = CollectorRegistry()
    ScrapeTimeGauge("proxy_valid_until", "Expiry", lambda: {(): 1234.5}, registry=gauges)
    logins.labels(outcome="success").inc(int(sys.argv[1]))
    steps.inc(int(sys.argv[2]))
    print(json.dumps({"pix": exposition(pix).decode(),
                      "proxy": exposition(proxy, gauges).decode()}))
""")


def run_worker(directory: Path, logins: int, steps: int) -> dict[str, str]:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory),
           "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", WORKER, str(logins), str(steps)], env=env,
                          cwd=REPO, capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


def test_multiprocess_pages_add_up_workers_and_keep_each_registry_apart(tmp_path):
    run_worker(tmp_path, logins=2, steps=5)  # a first worker, which then exits
    pages = run_worker(tmp_path, logins=1, steps=1)  # the worker answering the scrape
    pix, proxy = samples(pages["pix"]), samples(pages["proxy"])

    assert pix == {("pix_logins_total", (("outcome", "success"),)): 3.0}  # both workers
    assert proxy[("proxy_steps_total", ())] == 6.0
    assert proxy[("proxy_valid_until", ())] == 1234.5  # computed at scrape, not a file's 0
    assert not any(name.startswith("pix_") for name, _ in proxy)
    # what the client documents: set_function never reaches the files, hence ScrapeTimeGauge
    old_style = [value for (name, _), value in proxy.items() if name == "proxy_old_style"]
    assert old_style
    assert set(old_style) == {0.0}
