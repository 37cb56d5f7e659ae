"""The development stack trusts the GAR simulator as production trusts the GAR (ADR 0005).

``pixgar demo`` and the flow tests pin the simulator's metadata-signing certificate
(generated in the data dir, distinct from the key that signs responses): the proxy checks
the signature and the ``validUntil`` of the simulator's metadata at start, and refuses it
when another key signed it, when it is unsigned, altered or expired. The simulator serves
the same signed document at ``/idp/metadata``, so ``pixgar metadata refresh`` works from
that URL. ``GAR_METADATA_SIGNING_CERT`` given empty is the explicit way back to the
unpinned development path.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import uuid
from pathlib import Path

import pytest
import redis
from werkzeug.serving import make_server
from werkzeug.test import Client

from gar_sim.idp_config import idp_key_paths
from gar_sim.settings import settings_from_env
from gar_sim.signed_metadata import (
    PUBLISHED_VALIDITY,
    metadata_signing_key_paths,
    published_idp_metadata,
    signed_idp_metadata,
)
from pixgar.cli import main as pixgar_main
from pixgar.stack import build_stack, stack_environment
from proxy.errors import ConfigurationError
from proxy.metadata.startup import metadata_at_start
from proxy.metadata.verification import load_pins, verify_metadata
from proxy.settings import ProxySettings
from tests.flows.conftest import AUDIT_STREAM
from tests.flows.test_gar_login import login
from tests.support.throwaway_services import free_port


@pytest.fixture
def redis_key(redis_url):
    """A metadata key of its own in the shared test Redis, deleted afterwards."""
    key = f"pixgar:test:gar-metadata:{uuid.uuid4().hex}"
    yield key
    redis.Redis.from_url(redis_url).delete(key, f"{{{key}}}:digest", f"{{{key}}}:refresh-lock")


def fresh_demo_env(data_dir: Path, redis_url: str, redis_key: str, **env: str) -> dict[str, str]:
    """What ``pixgar demo`` computes on a fresh data dir (no last good copy yet)."""
    return stack_environment({"PIXGAR_DATA_DIR": str(data_dir), "REDIS_URL": redis_url,
                              "GAR_METADATA_REDIS_KEY": redis_key,
                              "PIXGAR_AUDIT_STREAM": AUDIT_STREAM, **env})


def readyz_metadata(app) -> dict:
    answer = Client(app).get("/readyz")
    return json.loads(answer.get_data(as_text=True))["checks"]["metadata"]


def test_the_stack_pins_the_simulators_metadata_signing_certificate(stack):
    sim = settings_from_env(stack.env)
    pin = Path(stack.env["GAR_METADATA_SIGNING_CERT"])
    source = Path(stack.env["GAR_IDP_METADATA"]).read_bytes()

    assert pin == metadata_signing_key_paths(sim)[1]
    assert pin.is_relative_to(stack.env["PIXGAR_DATA_DIR"])
    assert pin.read_bytes() != idp_key_paths(sim)[1].read_bytes()  # not the response key
    accepted = verify_metadata(source, load_pins(pin))
    left = accepted.valid_until - dt.datetime.now(dt.UTC)
    assert PUBLISHED_VALIDITY - dt.timedelta(days=1) < left <= PUBLISHED_VALIDITY
    status = readyz_metadata(stack.apps[stack.env["PROXY_BASE_URL"]])
    assert status["ok"]
    assert status["verified"] is True
    assert status["digest"] == accepted.digest


def test_a_pupil_logs_in_through_the_pinned_stack(stack, browser):
    _, profile = login(browser)

    assert profile.status_code == 200
    assert profile.url.endswith("/profil")


def test_the_simulator_serves_the_signed_metadata_and_a_refresh_from_its_url_accepts_it(
        stack, redis_key, tmp_path, monkeypatch, capsys):
    simulator = stack.apps[stack.env["GAR_SIM_BASE_URL"]]
    served = Client(simulator).get("/idp/metadata")
    assert served.status_code == 200
    assert served.get_data() == published_idp_metadata(settings_from_env(stack.env))

    server = make_server("127.0.0.1", 0, simulator, threaded=True,
                         ssl_context=(str(stack.tls_cert), str(stack.tls_key)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    last_good = tmp_path / "gar-idp-current.xml"
    for name, value in {**stack.env, "GAR_METADATA_REDIS_KEY": redis_key,
                        "GAR_METADATA_LAST_GOOD_FILE": str(last_good),
                        "REQUESTS_CA_BUNDLE": str(stack.tls_cert)}.items():
        monkeypatch.setenv(name, value)
    url = f"https://127.0.0.1:{server.server_port}/idp/metadata"
    try:
        answers = []
        for _ in range(2):
            status = pixgar_main(["metadata", "refresh", "--json", "--source", url])
            answers.append((status, json.loads(capsys.readouterr().out)))
    finally:
        server.shutdown()
        server.server_close()
        thread.join()

    (first_status, first), (second_status, second) = answers
    assert first_status == 0
    assert first["status"] == "accepted"
    assert first["verified"]
    assert first["changed"]
    assert first["warnings"] == []
    assert last_good.read_bytes() == served.get_data()
    assert second_status == 0
    assert not second["changed"]


def _another_key(sim):
    return published_idp_metadata(sim, signing_key=idp_key_paths(sim, rogue=True))


def _the_response_signing_key(sim):
    return published_idp_metadata(sim, signing_key=idp_key_paths(sim))


def _altered(sim):
    return published_idp_metadata(sim).replace(b"/idp/sso", b"/idp/evil")


def _unsigned(sim):
    return signed_idp_metadata(sim, sign=False)


def _expired(sim):
    return published_idp_metadata(sim, now=dt.datetime.now(dt.UTC) - PUBLISHED_VALIDITY
                                  - dt.timedelta(days=1))


@pytest.mark.parametrize(("document", "reason"), [
    (_another_key, "bad_signature"),
    (_the_response_signing_key, "bad_signature"),
    (_altered, "bad_signature"),
    (_unsigned, "unsigned"),
    (_expired, "expired"),
], ids=["resigned-with-another-key", "signed-with-the-response-key", "altered", "unsigned",
        "expired"])
def test_the_demo_stack_refuses_simulator_metadata_the_pin_does_not_vouch_for(
        tmp_path, redis_url, redis_key, document, reason):
    env = fresh_demo_env(tmp_path / "demo", redis_url, redis_key)
    sim = settings_from_env(env)
    Path(env["GAR_IDP_METADATA"]).write_bytes(document(sim))

    with pytest.raises(ConfigurationError) as refused:
        build_stack(env)

    assert str(refused.value).startswith(f"GAR metadata refused at start: {reason}")


def test_a_restart_keeps_the_last_good_copy_when_the_source_is_refused(
        tmp_path, redis_url, redis_key, caplog):
    env = fresh_demo_env(tmp_path / "demo", redis_url, redis_key)
    good = Path(env["GAR_IDP_METADATA"]).read_bytes()
    build_stack(env)  # first start: verified, kept as the last good copy
    sim = settings_from_env(env)
    Path(env["GAR_IDP_METADATA"]).write_bytes(_another_key(sim))
    caplog.set_level(logging.ERROR)

    restarted = build_stack(env)

    status = readyz_metadata(restarted.apps[env["PROXY_BASE_URL"]])
    assert status["verified"] is True
    assert status["digest"] == verify_metadata(
        good, load_pins(Path(env["GAR_METADATA_SIGNING_CERT"]))).digest
    assert any("GAR metadata source refused at start (bad_signature" in r.getMessage()
               for r in caplog.records)


def test_an_unreachable_source_without_a_last_good_copy_stops_the_pinned_proxy(
        tmp_path, redis_url, redis_key):
    url = f"https://127.0.0.1:{free_port()}/metadata"
    env = fresh_demo_env(tmp_path / "demo", redis_url, redis_key)

    with pytest.raises(ConfigurationError) as refused:
        build_stack({**env, "GAR_IDP_METADATA": url})

    assert str(refused.value).startswith(f"GAR_IDP_METADATA: cannot fetch {url}")


def test_the_unpinned_development_path_stays_available_on_explicit_request(
        tmp_path, redis_url, redis_key):
    env = fresh_demo_env(tmp_path / "demo", redis_url, redis_key, GAR_METADATA_SIGNING_CERT="")
    source = Path(env["GAR_IDP_METADATA"]).read_bytes()
    assert env["GAR_METADATA_SIGNING_CERT"] == ""
    assert b"Signature>" not in source

    unpinned = build_stack(env)

    status = readyz_metadata(unpinned.apps[env["PROXY_BASE_URL"]])
    assert status["ok"]
    assert status["verified"] is False
    url = f"https://127.0.0.1:{free_port()}/metadata"  # no last good copy without a pin
    with pytest.raises(ConfigurationError) as refused:
        build_stack({**env, "GAR_IDP_METADATA": url})
    assert str(refused.value).startswith(f"GAR_IDP_METADATA: cannot fetch {url}")
    production = ProxySettings.from_env({**env, "PIXGAR_GENERATE_DEV_KEYS": "0"})
    with pytest.raises(ConfigurationError) as refused:  # the same without development keys
        metadata_at_start(production, redis_url)
    assert str(refused.value).startswith("GAR metadata refused at start: no_pinned_certificate")
