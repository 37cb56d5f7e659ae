"""The keyring's state machine (next → current → retiring → retired), with a fake clock."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from kernel.devkeys import ensure_self_signed_cert
from proxy.keys.keyring import (
    OIDC_SIGNING,
    SAML_SIGNING,
    Keyring,
    RotationRefused,
    key_id,
)
from proxy.oidc.clients import ClientsFileError, _parse_client

DAY = dt.timedelta(hours=24)


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def keyring(tmp_path, clock) -> Keyring:
    return Keyring(tmp_path / "keyring", clock)


@pytest.fixture
def configured(tmp_path):
    return ensure_self_signed_cert(tmp_path / "old.key", tmp_path / "old.crt", "test")


def test_an_empty_keyring_records_the_configured_key_as_current_at_the_first_next(
        keyring, configured):
    assert keyring.entries(SAML_SIGNING) == []

    upcoming = keyring.next(SAML_SIGNING, configured)

    current, listed_next = keyring.entries(SAML_SIGNING)
    assert (current.status, current.id, current.owned) == ("current", key_id(configured[0]),
                                                          False)
    assert listed_next == upcoming
    assert upcoming.status == "next"
    assert upcoming.owned
    assert upcoming.id != current.id


def test_the_whole_cycle_with_its_delays(keyring, configured, clock):
    keyring.next(SAML_SIGNING, configured)
    with pytest.raises(RotationRefused, match="published for 1 day"):
        keyring.activate(SAML_SIGNING, DAY)
    clock.now += DAY
    new = keyring.activate(SAML_SIGNING, DAY)
    assert new.activated_at == clock.now.isoformat()
    with pytest.raises(RotationRefused, match="must stay for"):
        keyring.retire(SAML_SIGNING, DAY)
    clock.now += DAY
    old = keyring.retire(SAML_SIGNING, DAY)

    assert [e.status for e in keyring.entries(SAML_SIGNING)] == ["retired", "current"]
    assert old.retired_at == clock.now.isoformat()
    assert configured[0].exists()  # the configured key is not the keyring's to delete


def test_retire_deletes_the_private_key_the_keyring_created(keyring, configured, clock):
    first = keyring.next(OIDC_SIGNING, (configured[0], None))
    keyring.activate(OIDC_SIGNING, dt.timedelta(0))
    with pytest.raises(RotationRefused, match="retire the retiring key first"):
        keyring.next(OIDC_SIGNING, (configured[0], None))
    keyring.retire(OIDC_SIGNING, dt.timedelta(0))
    second = keyring.next(OIDC_SIGNING, (configured[0], None))
    clock.now += dt.timedelta(minutes=1)
    keyring.activate(OIDC_SIGNING, dt.timedelta(0))
    keyring.retire(OIDC_SIGNING, dt.timedelta(0))

    assert not Path(first.key_file).exists()
    assert Path(second.key_file).exists()
    assert [e.status for e in keyring.entries(OIDC_SIGNING)] == ["retired", "retired",
                                                                 "current"]


def test_refusals_say_why(keyring, configured):
    assert "no next key" in keyring.refusal("activate", SAML_SIGNING)
    assert "no retiring key" in keyring.refusal("retire", SAML_SIGNING)
    keyring.next(SAML_SIGNING, configured)
    assert "already exists" in keyring.refusal("next", SAML_SIGNING)
    assert keyring.refusal("activate", SAML_SIGNING, dt.timedelta(0)) is None


def test_state_files_hold_no_key_material_and_keys_are_private(keyring, configured):
    keyring.next(SAML_SIGNING, configured)
    state = keyring.state_file(SAML_SIGNING).read_text()
    assert "PRIVATE" not in state
    assert "BEGIN" not in state
    assert json.loads(state)["kind"] == SAML_SIGNING
    for key_file in keyring.directory.glob("*.key"):
        assert key_file.stat().st_mode & 0o077 == 0


def test_the_stamp_changes_with_every_step(keyring, configured, clock):
    before = keyring.stamp()
    keyring.next(SAML_SIGNING, configured)
    after_next = keyring.stamp()
    keyring.activate(SAML_SIGNING, dt.timedelta(0))
    assert before != after_next != keyring.stamp()


def test_a_client_may_list_several_secrets(tmp_path):
    (tmp_path / "s").write_text("from-file\n")
    party = _parse_client("pix", {"secrets": ["new", "old"], "secret_files": [str(tmp_path / "s")],
                                  "redirect_uris": ["https://p/cb"]}, {})
    assert party.secret.reveal() == "new"
    assert [s.reveal() for s in party.accepted_secrets] == ["new", "old", "from-file"]
    assert "old" not in repr(party)
    with pytest.raises(ClientsFileError, match="empty secret"):
        _parse_client("pix", {"secrets": [""], "redirect_uris": ["https://p/cb"]}, {})
