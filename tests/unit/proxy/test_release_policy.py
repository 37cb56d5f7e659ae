"""The release policy: parsing and the fail-closed claims store."""

from __future__ import annotations

import pytest
import yaml

from proxy.oidc.release_policy import (
    PolicyFilteredClaims,
    ReleasePolicyError,
    allowed_claims,
    openid_claim_names,
    parse_policy,
    releasing_for,
)
from proxy.settings import REPO_CONFIG_DIR


def test_the_repository_policy_gives_pix_every_openid_claim():
    attributes = yaml.safe_load((REPO_CONFIG_DIR / "internal_attributes.yaml").read_text())
    policy_file = yaml.safe_load((REPO_CONFIG_DIR / "release_policy.yaml").read_text())
    names = openid_claim_names(attributes)
    policy = parse_policy(policy_file, names, ["pix"])
    assert set(policy["pix"]) == names | {"sub"}


def test_unknown_claim_and_client_are_named():
    with pytest.raises(ReleasePolicyError, match="client 'pix': claim 'ido'"):
        parse_policy({"clients": {"pix": ["ido"]}}, {"given_name"}, ["pix"], "p.yaml")
    with pytest.raises(ReleasePolicyError, match="client 'x' is not a relying party"):
        parse_policy({"clients": {"x": []}}, {"given_name"}, ["pix"], "p.yaml")


def test_the_store_keeps_only_allowed_claims_and_sub_only_outside_a_release():
    store = PolicyFilteredClaims({})
    claims = {"sub": "s", "given_name": "Léa", "siecle_ine": "123"}
    with releasing_for(allowed_claims({"pix": ["given_name"]}, "pix")):
        store["user"] = claims
    assert store["user"] == {"sub": "s", "given_name": "Léa"}
    store["other"] = claims  # no policy in force: fail closed
    assert store["other"] == {"sub": "s"}
    assert allowed_claims({}, "unknown") == frozenset({"sub"})
