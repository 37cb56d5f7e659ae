"""Values sealed for Redis: opened only under the key they were sealed for, unchanged."""

from __future__ import annotations

import pytest

from proxy.stores.seal import BrokenSeal, Seal


def test_a_sealed_value_opens_under_its_key_and_hides_its_content():
    seal = Seal("state-key")
    sealed = seal.seal("pixgar:oidc:userinfo:{ab}", b'{"family_name":"Lefevre"}')

    assert b"Lefevre" not in sealed
    assert seal.open("pixgar:oidc:userinfo:{ab}", sealed) == b'{"family_name":"Lefevre"}'


def test_a_value_moved_to_another_key_does_not_open():
    seal = Seal("state-key")
    sealed = seal.seal("pixgar:oidc:userinfo:{ab}", b"claims of ab")

    with pytest.raises(BrokenSeal):
        seal.open("pixgar:oidc:userinfo:{cd}", sealed)


def test_a_changed_value_or_another_state_key_does_not_open():
    sealed = Seal("state-key").seal("k", b"claims")
    flipped = sealed[:-1] + bytes([sealed[-1] ^ 1])

    for attempt in (lambda: Seal("state-key").open("k", flipped),
                    lambda: Seal("other-key").open("k", sealed),
                    lambda: Seal("state-key").open("k", b"{clear json}")):
        with pytest.raises(BrokenSeal):
            attempt()
