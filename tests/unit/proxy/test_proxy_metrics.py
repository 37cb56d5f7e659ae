"""The proxy's scrape-time gauges: GAR metadata expiry and age, key ages.

Declared in proxy/observability/metrics.py, computed by proxy/metadata/ages.py and
proxy/keys/ages.py, wired by proxy/app.py (``gauges_of``).
"""

from __future__ import annotations

import datetime as dt
import math
import os
from types import SimpleNamespace

import pytest

from kernel.devkeys import ensure_rsa_key, ensure_self_signed_cert
from kernel.metrics_endpoint import exposition
from proxy.app import gauges_of
from proxy.keys.ages import key_ages
from proxy.keys.keyring import OIDC_SIGNING, SAML_ENCRYPTION, SAML_SIGNING, Keyring
from proxy.metadata.ages import metadata_age, metadata_valid_until
from tests.unit.kernel.test_metrics_endpoint import samples

NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
DAY = 86400.0


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> dt.datetime:
        return self.now

    def epoch(self) -> float:
        return self.now.timestamp()


def dated(path, when: dt.datetime):
    os.utime(path, (when.timestamp(), when.timestamp()))
    return path


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def configured(tmp_path) -> dict:
    """Today's configured keys, written 100 days ago."""
    saml, _ = ensure_self_signed_cert(tmp_path / "saml.key", tmp_path / "saml.crt", "t")
    enc, _ = ensure_self_signed_cert(tmp_path / "enc.key", tmp_path / "enc.crt", "t")
    oidc = ensure_rsa_key(tmp_path / "oidc.key")
    written = NOW - dt.timedelta(days=100)
    return {SAML_SIGNING: dated(saml, written), SAML_ENCRYPTION: dated(enc, written),
            OIDC_SIGNING: dated(oidc, written)}


def watcher(last_good, valid_until: dt.datetime | None):
    return SimpleNamespace(current=SimpleNamespace(valid_until=valid_until),
                           last_good=str(last_good))


def proxy_app(metadata_watcher):
    backend = SimpleNamespace(metadata_watcher=metadata_watcher)
    return SimpleNamespace(module_router=SimpleNamespace(backends={"gar": {"instance": backend}}))


def test_without_keyring_state_the_configured_keys_are_current_and_dated_by_their_files(
        tmp_path, configured, clock):
    ages = key_ages(Keyring(tmp_path / "keyring", clock), configured, clock.epoch())

    assert ages == {(kind, "current"): 100 * DAY for kind in configured}


def test_key_ages_follow_next_activate_and_retire(tmp_path, configured, clock):
    keyring = Keyring(tmp_path / "keyring", clock)
    keyring.next(OIDC_SIGNING, (configured[OIDC_SIGNING], None))
    clock.now += dt.timedelta(days=2)
    oidc = {labels: age for labels, age in key_ages(keyring, configured, clock.epoch()).items()
            if labels[0] == OIDC_SIGNING}
    # the configured key was recorded by the keyring 2 days ago, its file is 102 days old
    assert oidc == {(OIDC_SIGNING, "current"): 102 * DAY, (OIDC_SIGNING, "next"): 2 * DAY}

    keyring.activate(OIDC_SIGNING, dt.timedelta(0))
    clock.now += dt.timedelta(days=1)
    ages = key_ages(keyring, configured, clock.epoch())
    assert ages[(OIDC_SIGNING, "current")] == 3 * DAY  # the new key, created 3 days ago
    assert ages[(OIDC_SIGNING, "retiring")] == 103 * DAY
    assert (OIDC_SIGNING, "next") not in ages

    keyring.retire(OIDC_SIGNING, dt.timedelta(0))
    ages = key_ages(keyring, configured, clock.epoch())
    assert {labels for labels in ages if labels[0] == OIDC_SIGNING} == {(OIDC_SIGNING, "current")}
    assert ages[(SAML_SIGNING, "current")] == 103 * DAY  # other kinds: still their files


def test_metadata_expiry_and_age(tmp_path):
    last_good = tmp_path / "gar-idp-current.xml"
    last_good.write_text("<EntityDescriptor/>", encoding="utf-8")
    dated(last_good, NOW - dt.timedelta(hours=5))
    expires = NOW + dt.timedelta(days=10)

    assert metadata_valid_until(watcher(last_good, expires)) == {(): expires.timestamp()}
    assert metadata_valid_until(watcher(last_good, None)) == {(): math.inf}
    assert metadata_age(watcher(last_good, expires), NOW.timestamp()) == {(): 5 * 3600.0}
    assert metadata_age(watcher(tmp_path / "absent.xml", expires), NOW.timestamp()) == {}
    assert metadata_valid_until(None) == {}
    assert metadata_age(None, NOW.timestamp()) == {}


def test_the_page_of_a_proxy_holds_every_gauge_with_bounded_labels(tmp_path, configured, clock):
    last_good = tmp_path / "gar-idp-current.xml"
    last_good.write_text("<EntityDescriptor/>", encoding="utf-8")
    dated(last_good, NOW - dt.timedelta(minutes=1))
    app = proxy_app(watcher(last_good, NOW + dt.timedelta(days=30)))
    gauges = gauges_of(app, Keyring(tmp_path / "keyring", clock), configured, clock.epoch)

    page = samples(exposition(gauges).decode())

    assert page[("pixgar_proxy_gar_metadata_valid_until_seconds", ())] == \
        (NOW + dt.timedelta(days=30)).timestamp()
    assert page[("pixgar_proxy_gar_metadata_age_seconds", ())] == 60.0
    key_series = {labels for name, labels in page if name == "pixgar_proxy_key_age_seconds"}
    assert key_series == {(("kind", kind), ("state", "current")) for kind in configured}


def test_a_proxy_without_watcher_shows_no_metadata_sample(tmp_path, configured, clock):
    gauges = gauges_of(proxy_app(None), Keyring(tmp_path / "keyring", clock), configured,
                       clock.epoch)
    names = {name for name, _ in samples(exposition(gauges).decode())}
    assert names == {"pixgar_proxy_key_age_seconds"}
