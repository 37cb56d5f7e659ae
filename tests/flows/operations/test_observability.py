"""Prometheus metrics at /metrics and JSON logs carrying one request id across the apps."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path
from urllib.parse import urlsplit

from prometheus_client import REGISTRY

from kernel.json_logging import JsonFormatter, RequestIdFilter
from tests.flows.test_gar_login import login
from tests.support.wsgi_transport import routed_session


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_logins_steps_and_replays_are_counted(browser, audited_proxy):
    released = dict(outcome="released", reason="ok", client="pix")
    # an unsolicited login names its relying party after the ACS: its replay has no client
    replayed = dict(outcome="refused", reason="replayed_assertion", client="unknown")
    steps = ("acs", "microservices", "authorization", "token")
    before = {
        "released": sample("pixgar_proxy_logins_total", **released),
        "replayed": sample("pixgar_proxy_logins_total", **replayed),
        "replays": sample("pixgar_proxy_replay_rejections_total", kind="assertion"),
        **{s: sample("pixgar_proxy_step_seconds_count", step=s) for s in steps},
    }
    audited_proxy()

    autopost, profile = login(browser, "theo-martin-3a", mode="unsolicited")
    browser.post_saml(autopost)  # replayed

    assert profile.status_code == 200
    assert sample("pixgar_proxy_logins_total", **released) == before["released"] + 1
    assert sample("pixgar_proxy_logins_total", **replayed) == before["replayed"] + 1
    assert sample("pixgar_proxy_replay_rejections_total", kind="assertion") == \
        before["replays"] + 1
    for step in steps:
        assert sample("pixgar_proxy_step_seconds_count", step=step) > before[step], step


def test_metrics_are_served_by_the_proxy(stack):
    session, _ = routed_session(dict(stack.apps))
    page = session.get(f"{stack.env['PROXY_BASE_URL']}/metrics")

    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/plain")
    assert "pixgar_proxy_logins_total" in page.text
    assert "pixgar_proxy_step_seconds_bucket" in page.text
    assert "pixgar_proxy_gar_metadata_valid_until_seconds" in page.text
    assert "Lefèvre" not in page.text  # labels are codes and client ids only


def test_every_app_returns_the_request_id_it_was_given_or_made(stack):
    session, _ = routed_session(dict(stack.apps))
    for origin in (stack.env["PROXY_BASE_URL"], stack.env["PIX_BASE_URL"]):
        given = session.get(f"{origin}/.well-known/openid-configuration",
                            headers={"X-Request-Id": "test-request-0001"})
        assert given.headers["X-Request-Id"] == "test-request-0001"
        made = session.get(f"{origin}/.well-known/openid-configuration",
                           headers={"X-Request-Id": "bad id <script>; forged=1"})
        assert len(made.headers["X-Request-Id"]) == 32  # a new one, not the forged header


def test_json_logs_parse_and_follow_a_login_from_pix_core_to_the_proxy(browser):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        _, profile = login(browser, "noe-garcon")
    finally:
        root.removeHandler(handler)

    assert profile.status_code == 200
    entries = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert entries
    assert all({"time", "level", "logger", "message", "request_id"} <= set(e)
                           for e in entries)
    login_done = next(e for e in entries if e["message"].startswith("GAR login succeeded"))
    token = next(e for e in entries if e["message"].startswith("token request answered"))
    assert login_done["logger"].startswith("pix_core")
    assert token["logger"].startswith("proxy")
    assert token["request_id"]
    assert token["request_id"] == login_done["request_id"]


def test_one_request_id_follows_a_login_through_every_redirect(browser, audited_proxy,
                                                               audit_env):
    audited_proxy()
    proxy, pix = browser.stack.env["PROXY_BASE_URL"], browser.stack.env["PIX_BASE_URL"]
    seen: list[tuple[str, str]] = []  # (URL, X-Request-Id) of every hop, redirects included
    browser.session.hooks["response"].append(
        lambda r, *a, **k: seen.append((r.url, r.headers.get("X-Request-Id", ""))))

    _, profile = login(browser, "noe-garcon")

    assert profile.status_code == 200
    start = next(rid for url, rid in seen if url.startswith(f"{pix}/connexion/gar"))
    login_hops = [(url, rid) for url, rid in seen if url.startswith((proxy, pix))
                  and "/profil" not in url]
    paths = [urlsplit(url).path for url, _ in login_hops]
    assert any(p.endswith("/authorization") for p in paths), paths
    assert any(p.endswith("/acs/post") for p in paths), paths
    assert "/connexion/oidc/callback" in paths
    assert {rid for _, rid in login_hops} == {start}, login_hops
    events = [json.loads(line) for path in Path(audit_env["PIXGAR_AUDIT_DIR"]).glob("*.jsonl")
              for line in path.read_text(encoding="utf-8").splitlines()]
    assert [e["request_id"] for e in events if e["outcome"] == "released"] == [start]


def test_text_logs_carry_the_request_id_too(stack):
    from kernel.json_logging import TextFormatter

    record = logging.LogRecord("proxy.x", logging.INFO, __file__, 1, "hello", None, None)
    record.request_id = "abcdef0123456789"
    assert TextFormatter("%(message)s").format(record) == "hello rid=abcdef0123456789"


def test_configure_logging_json(monkeypatch):
    from kernel.logging_setup import configure_logging

    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, "_pixgar", False)), None)
    previous = handler.formatter if handler else None
    monkeypatch.setenv("LOG_FORMAT", "json")
    configure_logging("INFO")
    handler = next(h for h in root.handlers if getattr(h, "_pixgar", False))
    try:
        assert isinstance(handler.formatter, JsonFormatter)
    finally:
        if previous is not None:
            handler.setFormatter(previous)
        else:
            root.removeHandler(handler)


