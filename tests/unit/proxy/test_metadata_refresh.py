"""The GAR metadata refresh: verification, Redis + disk publication, CLI (real Redis db 9)."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
import uuid
from pathlib import Path

import pytest
import redis

from gar_sim.idp_config import idp_key_paths
from gar_sim.settings import settings_from_env
from gar_sim.signed_metadata import signed_idp_metadata
from pixgar.cli import main as pixgar_main
from proxy.metadata.gar_metadata import MetadataWatcher, SharedMetadata, refresh_metadata
from proxy.metadata.verification import (
    AcceptedMetadata,
    MetadataRefused,
    load_pins,
    verify_metadata,
)
from tests.support.throwaway_services import free_port

REDIS_URL = os.environ.get("PIXGAR_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    return settings_from_env({"PIXGAR_DATA_DIR": str(tmp_path_factory.mktemp("sim")),
                              "GAR_SIM_BASE_URL": "https://localhost:9443"})


@pytest.fixture(scope="module")
def pin(sim) -> Path:
    return idp_key_paths(sim)[1]


@pytest.fixture
def shared():
    client = redis.Redis.from_url(REDIS_URL)
    key = f"pixgar:test:gar-metadata:{uuid.uuid4().hex}"
    yield SharedMetadata(client, key)
    client.delete(key, f"{{{key}}}:digest", f"{{{key}}}:refresh-lock")


def write(path: Path, content: bytes) -> str:
    path.write_bytes(content)
    return str(path)


def test_a_document_signed_by_the_pinned_certificate_is_accepted(sim, pin):
    accepted = verify_metadata(signed_idp_metadata(sim), load_pins(pin))
    assert accepted.verified
    assert accepted.valid_until is not None
    assert accepted.warnings(dt.datetime.now(dt.UTC), 7) == []


@pytest.mark.parametrize(("document", "reason"), [
    (lambda sim: signed_idp_metadata(sim, rogue_signer=True), "bad_signature"),
    (lambda sim: signed_idp_metadata(sim, sign=False), "unsigned"),
    (lambda sim: signed_idp_metadata(sim, valid_for=dt.timedelta(hours=-1)), "expired"),
    (lambda sim: signed_idp_metadata(sim).replace(b"/idp/sso", b"/idp/evil"), "bad_signature"),
    (lambda sim: b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
     "dtd_forbidden"),
    (lambda sim: b"<html>not metadata</html>", "not_saml_metadata"),
], ids=["wrong-signer", "unsigned", "expired", "tampered", "dtd", "not-metadata"])
def test_refused_documents_say_why(sim, pin, document, reason):
    with pytest.raises(MetadataRefused) as refused:
        verify_metadata(document(sim), load_pins(pin))
    assert refused.value.reason == reason


def test_a_warning_when_fewer_than_the_warning_days_remain(sim, pin):
    accepted = verify_metadata(signed_idp_metadata(sim, valid_for=dt.timedelta(days=3)),
                               load_pins(pin))
    (warning,) = accepted.warnings(dt.datetime.now(dt.UTC), 7)
    assert warning.startswith("expires_soon: 3.0 days left")
    assert accepted.warnings(dt.datetime.now(dt.UTC), 2) == []


def test_the_pin_file_may_hold_two_certificates_during_the_gar_rollover(sim, pin, tmp_path):
    _, rogue = idp_key_paths(sim, rogue=True)
    both = tmp_path / "pins.pem"
    both.write_bytes(rogue.read_bytes() + pin.read_bytes())
    for document in (signed_idp_metadata(sim), signed_idp_metadata(sim, rogue_signer=True)):
        assert verify_metadata(document, load_pins(both)).verified


def test_refresh_publishes_in_redis_and_on_disk_then_a_failure_keeps_the_last_good(
        sim, pin, shared, tmp_path):
    last_good = tmp_path / "last-good.xml"
    good = signed_idp_metadata(sim)
    outcome = refresh_metadata(shared, write(tmp_path / "good.xml", good), load_pins(pin),
                               last_good, 7)
    assert outcome.changed
    assert shared.digest() == outcome.accepted.digest
    assert shared.load() == good
    assert last_good.read_bytes() == good

    for bad, reason in [(signed_idp_metadata(sim, rogue_signer=True), "bad_signature"),
                        (signed_idp_metadata(sim, sign=False), "unsigned"),
                        (signed_idp_metadata(sim, valid_for=dt.timedelta(days=-1)), "expired")]:
        with pytest.raises(MetadataRefused) as refused:
            refresh_metadata(shared, write(tmp_path / "bad.xml", bad), load_pins(pin),
                             last_good, 7)
        assert refused.value.reason == reason
        assert shared.load() == good
        assert last_good.read_bytes() == good

    with pytest.raises(MetadataRefused) as refused:
        refresh_metadata(shared, f"https://127.0.0.1:{free_port()}/metadata", load_pins(pin),
                         last_good, 7)
    assert refused.value.reason == "unreachable"
    assert shared.load() == good
    assert last_good.read_bytes() == good


def test_refresh_without_a_pin_is_refused(tmp_path):
    with pytest.raises(MetadataRefused) as refused:
        load_pins(None)
    assert refused.value.reason == "no_pinned_certificate"


class FakeSp:
    """Just enough of pysaml2's SP for a swap: its config builds the new store."""

    class Config:
        def load_metadata(self, spec):
            return FakeStore(spec)

    class Sec:
        metadata = None

    def __init__(self) -> None:
        self.config = self.Config()
        self.sec = self.Sec()
        self.metadata = None


class FakeStore:
    def __init__(self, spec) -> None:
        self.spec = spec

    def construct_source_id(self):
        return {}


def test_a_worker_swaps_on_a_new_digest_and_refuses_logins_once_expired(
        sim, pin, shared, tmp_path):
    from proxy.errors import ServiceUnavailable

    first = verify_metadata(signed_idp_metadata(sim), load_pins(pin))
    watcher = MetadataWatcher(shared, first, pin, tmp_path / "worker.xml", check_seconds=0)
    sp = FakeSp()
    watcher.ensure_current(sp)
    assert sp.metadata is None  # nothing published: nothing to do

    second = signed_idp_metadata(sim, valid_for=dt.timedelta(days=2))
    shared.publish(AcceptedMetadata(second, None))
    watcher.ensure_current(sp)
    assert watcher.current.xml == second
    assert sp.metadata is sp.sec.metadata is not None
    assert (tmp_path / "worker.xml").read_bytes() == second

    shared.publish(AcceptedMetadata(signed_idp_metadata(sim, rogue_signer=True), None))
    watcher.ensure_current(sp)  # a document Redis holds but the pin refuses: not swapped
    assert watcher.current.xml == second

    watcher.current = AcceptedMetadata(second, dt.datetime.now(dt.UTC) - dt.timedelta(1))
    with pytest.raises(ServiceUnavailable) as refused:
        watcher.ensure_current(sp)
    assert refused.value.code == "gar_metadata_expired"


def test_one_worker_takes_the_periodic_refresh_lock(shared):
    assert shared.take_refresh_lock(60)
    assert not shared.take_refresh_lock(60)


def _cli_env(monkeypatch, tmp_path, pin, shared, **extra):
    env = {"PIXGAR_DATA_DIR": str(tmp_path), "REDIS_URL": REDIS_URL,
           "GAR_METADATA_REDIS_KEY": shared.key, "GAR_METADATA_SIGNING_CERT": str(pin),
           **extra}
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def test_pixgar_metadata_refresh_json_and_exit_codes(sim, pin, shared, tmp_path, monkeypatch,
                                                     capsys):
    _cli_env(monkeypatch, tmp_path, pin, shared)
    good = write(tmp_path / "good.xml", signed_idp_metadata(sim, valid_for=dt.timedelta(days=3)))

    assert pixgar_main(["metadata", "refresh", "--json", "--source", good]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["status"] == "accepted"
    assert answer["changed"] is True
    assert answer["warnings"][0].startswith("expires_soon")
    assert shared.digest() == answer["digest"]

    bad = write(tmp_path / "bad.xml", signed_idp_metadata(sim, sign=False))
    assert pixgar_main(["metadata", "refresh", "--json", "--source", bad]) == 1
    answer = json.loads(capsys.readouterr().out)
    assert answer == {"status": "refused", "reason": "unsigned", "last_good_kept": True,
                      "detail": "no XML signature on the document root", "source": bad}

    monkeypatch.delenv("GAR_METADATA_SIGNING_CERT")
    assert pixgar_main(["metadata", "refresh", "--source", good]) == 2
    assert "GAR_METADATA_SIGNING_CERT" in capsys.readouterr().err


def test_production_start_requires_the_pin_and_development_keeps_unsigned(sim, shared,
                                                                          tmp_path):
    from proxy.metadata.gar_metadata import startup_metadata

    unsigned = tmp_path / "unsigned.xml"
    unsigned.write_bytes(signed_idp_metadata(sim, sign=False))
    with pytest.raises(MetadataRefused) as refused:
        startup_metadata(str(unsigned), None, False, shared, tmp_path / "lg.xml",
                         lambda: unsigned)
    assert refused.value.reason == "no_pinned_certificate"
    accepted = startup_metadata(str(unsigned), None, True, shared, tmp_path / "lg.xml",
                                lambda: unsigned)
    assert not accepted.verified


def test_a_start_prefers_what_redis_holds_then_the_last_good_copy(sim, pin, shared, tmp_path):
    from proxy.metadata.gar_metadata import startup_metadata

    source = tmp_path / "source.xml"
    source.write_bytes(signed_idp_metadata(sim))
    last_good = tmp_path / "lg.xml"
    published = signed_idp_metadata(sim, valid_for=dt.timedelta(days=9))
    shared.publish(AcceptedMetadata(published, None))
    assert startup_metadata(str(source), pin, False, shared, last_good,
                            lambda: source).xml == published
    assert last_good.read_bytes() == published

    shared.client.delete(shared.key, shared.digest_key)
    source.write_bytes(signed_idp_metadata(sim, sign=False))  # the source now refused
    assert startup_metadata(str(source), pin, False, shared, last_good,
                            lambda: source).xml == published


def test_the_in_proxy_periodic_refresh_runs_on_one_worker_per_period(sim, pin, shared,
                                                                     tmp_path):
    import threading

    current = verify_metadata(signed_idp_metadata(sim), load_pins(pin))
    ran = threading.Event()
    calls = []

    def refresh():
        calls.append(1)
        ran.set()

    workers = [MetadataWatcher(shared, current, pin, tmp_path / f"w{n}.xml", check_seconds=0,
                               refresh=refresh, refresh_seconds=60) for n in range(3)]
    for worker in workers:
        worker.ensure_current(FakeSp())
    assert ran.wait(5)
    time.sleep(0.1)
    assert calls == [1]
