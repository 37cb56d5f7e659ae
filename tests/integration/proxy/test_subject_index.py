"""pyop's subject identifiers on the machine's real Redis: one lookup per sub, and expiry.
"""

from __future__ import annotations

import secrets

import pytest
from pyop.authz_state import AuthorizationState
from pyop.exceptions import InvalidSubjectIdentifier
from pyop.subject_identifier import HashBasedSubjectIdentifierFactory

from proxy.stores.subject_index import (
    IndexedAuthorizationState,
    SubjectIndex,
    owner_key,
    subjects_key,
)

SECTOR = "https://pix.sector.pixgar.invalid/"


def indexed_state(client, ttl: int = 60) -> IndexedAuthorizationState:
    stock = AuthorizationState(HashBasedSubjectIdentifierFactory("salt"))
    return IndexedAuthorizationState.replacing(stock, SubjectIndex(client, ttl))


def test_a_sub_handed_out_by_one_worker_is_found_by_another(workers):
    user_id = secrets.token_hex(32)
    sub = indexed_state(workers[0]).get_subject_identifier("pairwise", user_id, SECTOR)

    assert indexed_state(workers[1]).get_user_id_for_subject_identifier(sub) == user_id


def test_two_sectors_give_two_subs_of_one_user(workers):
    state, user_id = indexed_state(workers[0]), secrets.token_hex(32)
    first = state.get_subject_identifier("pairwise", user_id, SECTOR)
    second = state.get_subject_identifier("pairwise", user_id, "https://other.invalid/")

    assert first != second
    assert {state.get_user_id_for_subject_identifier(s) for s in (first, second)} == {user_id}
    assert set(state.subject_identifiers[user_id]["pairwise"]) == {first, second}


def test_an_unknown_sub_is_refused_as_pyop_does(workers):
    with pytest.raises(InvalidSubjectIdentifier):
        indexed_state(workers[0]).get_user_id_for_subject_identifier(secrets.token_hex(32))


def test_records_expire_and_hold_no_user_id_in_their_keys(workers):
    client, _ = workers
    state, user_id = indexed_state(client, ttl=30), secrets.token_hex(32)
    sub = state.get_subject_identifier("pairwise", user_id, SECTOR)

    assert not client.keys(f"*{user_id}*")  # hashed in key names
    assert not client.keys(f"*{sub}*")
    for key in (subjects_key(user_id), owner_key(sub)):
        assert 0 < client.ttl(key) <= 30, key


def test_a_full_scan_is_refused(workers):
    with pytest.raises(NotImplementedError):
        list(SubjectIndex(workers[0], 60).items())


def test_forgetting_a_user_forgets_its_subs(workers):
    state, user_id = indexed_state(workers[0]), secrets.token_hex(32)
    sub = state.get_subject_identifier("pairwise", user_id, SECTOR)

    del state.subject_identifiers[user_id]

    assert user_id not in state.subject_identifiers
    with pytest.raises(InvalidSubjectIdentifier):
        state.get_user_id_for_subject_identifier(sub)
