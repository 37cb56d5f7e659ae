"""The GAR metadata swapped into running proxies without restart (docs/adr/0005).

Two proxy instances (two workers or nodes) share Redis; ``pixgar metadata refresh``
publishes a signed document; the next login on each uses it. The rollover document holds
two signing certificates (the simulator's and its "rogue" one): a response signed by
either is accepted, whereas the rogue signature is refused before the refresh.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
import uuid
from pathlib import Path

import pytest
import redis

from gar_sim.idp_config import idp_key_paths
from gar_sim.settings import settings_from_env
from gar_sim.signed_metadata import signed_idp_metadata
from gar_sim.users import get_user
from pixgar.cli import main as pixgar_main
from tests.flows.test_refusals import PUPIL, post_to_acs, start_login
from tests.support.throwaway_services import free_port


@pytest.fixture
def pinned(stack, redis_url, tmp_path, monkeypatch):
    """Environment overrides of proxies that pin the simulator's metadata certificate."""
    sim = settings_from_env(stack.env)
    _, cert = idp_key_paths(sim)
    first = tmp_path / "gar-v1.xml"
    first.write_bytes(signed_idp_metadata(sim))
    key = f"pixgar:test:gar-metadata:{uuid.uuid4().hex}"
    env = {"GAR_IDP_METADATA": str(first), "GAR_METADATA_SIGNING_CERT": str(cert),
           "GAR_METADATA_REDIS_KEY": key, "GAR_METADATA_CHECK_SECONDS": "0",
           "GAR_METADATA_LAST_GOOD_FILE": str(tmp_path / "node-a" / "gar-idp-current.xml")}
    for name, value in {**stack.env, **env}.items():  # what `pixgar metadata refresh` reads
        monkeypatch.setenv(name, value)
    yield env
    redis.Redis.from_url(redis_url).delete(key, f"{{{key}}}:digest", f"{{{key}}}:refresh-lock")


def node_b(pinned, tmp_path) -> dict[str, str]:
    return {**pinned,
            "GAR_METADATA_LAST_GOOD_FILE": str(tmp_path / "node-b" / "gar-idp-current.xml")}


def refresh(stack, tmp_path, capsys, document: bytes) -> tuple[int, dict]:
    source = tmp_path / f"source-{uuid.uuid4().hex}.xml"
    source.write_bytes(document)
    status = pixgar_main(["metadata", "refresh", "--json", "--source", str(source)])
    return status, json.loads(capsys.readouterr().out)


def login_on(browser, gar, app, **signing):
    browser.route_proxy_to(app)
    query = start_login(browser)
    acs, response, relay = gar.sso_response(PUPIL, query, **signing)
    return post_to_acs(browser, acs, response, relay)


def logged_in(page) -> bool:
    return page.status_code == 200 and page.url.endswith("/profil")


def test_a_refresh_reaches_every_proxy_without_restart_and_both_gar_certs_work(
        stack, pinned, proxy_with, browser, gar, tmp_path, capsys):
    sim = settings_from_env(stack.env)
    first, second = proxy_with(**pinned), proxy_with(**node_b(pinned, tmp_path))
    assert not logged_in(login_on(browser, gar, first, untrusted_signer=True))

    _, rogue_cert = idp_key_paths(sim, rogue=True)
    rollover = signed_idp_metadata(sim, extra_signing_certs=(rogue_cert,))
    status, answer = refresh(stack, tmp_path, capsys, rollover)
    assert status == 0
    assert answer["status"] == "accepted"
    assert answer["changed"]

    for app in (first, second):
        assert logged_in(login_on(browser, gar, app, untrusted_signer=True))  # new cert
        assert logged_in(login_on(browser, gar, app))  # the old one still works
    for node in (pinned, node_b(pinned, tmp_path)):  # each node keeps its last good copy
        assert Path(node["GAR_METADATA_LAST_GOOD_FILE"]).read_bytes() == rollover


@pytest.mark.parametrize(("document", "reason"), [
    (lambda sim: signed_idp_metadata(sim, rogue_signer=True), "bad_signature"),
    (lambda sim: signed_idp_metadata(sim, sign=False), "unsigned"),
    (lambda sim: signed_idp_metadata(sim, valid_for=dt.timedelta(hours=-1)), "expired"),
], ids=["bad-signature", "unsigned", "expired"])
def test_a_refused_refresh_keeps_the_last_good_metadata_everywhere(
        stack, pinned, proxy_with, browser, gar, tmp_path, capsys, document, reason):
    sim = settings_from_env(stack.env)
    _, rogue_cert = idp_key_paths(sim, rogue=True)
    app = proxy_with(**pinned)
    good = signed_idp_metadata(sim, extra_signing_certs=(rogue_cert,))
    assert refresh(stack, tmp_path, capsys, good)[0] == 0
    assert logged_in(login_on(browser, gar, app, untrusted_signer=True))

    status, answer = refresh(stack, tmp_path, capsys, document(sim))

    assert status == 1
    assert answer["reason"] == reason
    assert answer["last_good_kept"]
    assert logged_in(login_on(browser, gar, app, untrusted_signer=True))  # in memory
    assert Path(pinned["GAR_METADATA_LAST_GOOD_FILE"]).read_bytes() == good  # on disk


def test_an_unreachable_source_is_refused_and_changes_nothing(
        stack, pinned, tmp_path, capsys):
    url = f"https://127.0.0.1:{free_port()}/metadata"
    status = pixgar_main(["metadata", "refresh", "--json", "--source", url])
    answer = json.loads(capsys.readouterr().out)
    assert status == 1
    assert answer["reason"] == "unreachable"


def test_expired_metadata_refuses_logins_with_503_and_readyz_says_so(
        stack, pinned, proxy_with, browser, gar, tmp_path, capsys, caplog):
    sim = settings_from_env(stack.env)
    app = proxy_with(**pinned)
    assert probe(app, "/readyz")[0] == 200
    # Long enough for a login on a loaded machine (3 s was not), then wait it out.
    lifetime = dt.timedelta(seconds=15)
    expires_at = time.monotonic() + lifetime.total_seconds()
    short = signed_idp_metadata(sim, valid_for=lifetime)
    status, answer = refresh(stack, tmp_path, capsys, short)
    assert status == 0
    assert answer["warnings"][0].startswith("expires_soon")
    assert logged_in(login_on(browser, gar, app))  # swapped in, still valid
    time.sleep(max(0.0, expires_at - time.monotonic()) + 1.1)  # validUntil has whole seconds
    caplog.set_level(logging.ERROR)

    browser.route_proxy_to(app)
    page = browser.click_pix(browser.open_mediacentre(PUPIL))

    assert page.status_code == 503
    assert "indisponible" in page.text
    assert any("GAR metadata expired: validUntil" in r.getMessage() for r in caplog.records)
    assert get_user(PUPIL).ido not in caplog.text
    ready = probe(app, "/readyz")
    assert ready[0] == 503
    assert ready[1]["checks"]["metadata"]["expired"] is True


def probe(app, path: str) -> tuple[int, dict]:
    from werkzeug.test import Client

    answer = Client(app).get(path)
    return answer.status_code, json.loads(answer.get_data(as_text=True))


def test_healthz_and_readyz_of_the_proxy_and_of_pix_core(stack):
    proxy = stack.apps[stack.env["PROXY_BASE_URL"]]
    pix = stack.apps[stack.env["PIX_BASE_URL"]]
    assert probe(proxy, "/healthz") == (200, {"status": "alive"})
    status, body = probe(proxy, "/readyz")
    assert status == 200, body
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"redis", "database", "metadata", "keys"}
    assert probe(pix, "/healthz") == (200, {"status": "alive"})
    assert probe(pix, "/readyz") == (200, {"status": "ready", "checks": {"database": {"ok": True}}})


def test_readyz_is_503_when_redis_is_down(proxy_with):
    app = proxy_with(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    assert probe(app, "/healthz")[0] == 200
    status, body = probe(app, "/readyz")
    assert status == 503
    assert body["status"] == "not_ready"
    assert body["checks"]["redis"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
