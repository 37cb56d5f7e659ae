"""Attribute release policy and login audit, through whole logins on the in-process stack."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import redis
from prometheus_client import REGISTRY

from gar_sim.users import get_user
from proxy.errors import ConfigurationError
from proxy.observability.audit_files import read_events
from tests.flows.test_gar_login import assert_profile_of, login
from tests.support.oidc_client import OidcClient, verify_id_token

PUPIL = "lea-lefevre"  # matched in the roster, has classes and groups
EVERY_CLAIM = ["given_name", "family_name", "gar_uai", "gar_profiles", "gar_classes",
               "gar_groups", "siecle_match", "siecle_uai", "siecle_ine", "birthdate",
               "siecle_class"]


def audit_lines(env) -> list[str]:
    directory = Path(env["PIXGAR_AUDIT_DIR"])
    return [line for path in sorted(directory.glob("audit-*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines()]


def stream_events(stack, env) -> list[dict]:
    client = redis.Redis.from_url(stack.env["REDIS_URL"])
    return [json.loads(fields[b"event"]) for _, fields in
            client.xrange(env["PIXGAR_AUDIT_STREAM"])]


def test_the_demo_client_gets_every_documented_claim(browser, audited_proxy, released_claims):
    audited_proxy()
    _, profile = login(browser, PUPIL)

    assert_profile_of(profile, PUPIL)
    assert set(EVERY_CLAIM) | {"sub"} <= set(released_claims[-1])


def test_a_claim_outside_the_policy_never_reaches_pix_core(browser, audited_proxy, config_dir,
                                                            released_claims, audit_env):
    allowed = [c for c in EVERY_CLAIM if c not in {"gar_groups", "siecle_ine", "birthdate"}]
    audited_proxy(PIXGAR_CONFIG_DIR=str(config_dir({"clients": {"pix": allowed}})))

    _, profile = login(browser, PUPIL)

    assert_profile_of(profile, PUPIL)  # the GAR sent GRO, the roster gave INE and birthdate
    claims = released_claims[-1]
    assert set(claims) == set(allowed) | {"sub"}
    assert claims["siecle_match"] == "matched"
    [event] = read_events(Path(audit_env["PIXGAR_AUDIT_DIR"]))
    assert event["claims"] == sorted(set(allowed) | {"sub"})


def test_a_client_missing_from_the_policy_gets_sub_only(browser, audited_proxy, config_dir,
                                                        released_claims):
    audited_proxy(PIXGAR_CONFIG_DIR=str(config_dir({"clients": {}})))

    login(browser, PUPIL)

    assert set(released_claims[-1]) == {"sub"}


@pytest.mark.parametrize(("policy", "message"), [
    ({"clients": {"pix": ["given_name", "ido"]}},
     "client 'pix': claim 'ido' is not an openid name of internal_attributes.yaml"),
    ({"clients": {"pix": ["given_name"], "intruder": ["sub"]}},
     "client 'intruder' is not a relying party of the clients file"),
    ({"clients": {"pix": "given_name"}}, "client 'pix': expected a list of claim names"),
    ({"pix": ["given_name"]}, "expected a 'clients:' mapping"),
])
def test_a_wrong_policy_stops_the_proxy_with_a_precise_message(proxy_with, config_dir, policy,
                                                               message):
    directory = config_dir(policy)
    with pytest.raises(ConfigurationError) as stopped:
        proxy_with(PIXGAR_CONFIG_DIR=str(directory))
    assert message in str(stopped.value)
    assert str(directory / "release_policy.yaml") in str(stopped.value)


def test_one_audit_event_per_login_with_names_only(stack, browser, audited_proxy, audit_env,
                                                   released_claims):
    audited_proxy()
    user = get_user(PUPIL)

    login(browser, PUPIL)

    lines = audit_lines(audit_env)
    assert len(lines) == 1
    event = json.loads(lines[0])
    claims = released_claims[-1]
    assert event["outcome"] == "released"
    assert event["client_id"] == "pix"
    assert event["sub"] == claims["sub"]
    assert event["uai"] == claims["gar_uai"][0]
    assert event["siecle_match"] == "matched"
    assert event["claims"] == sorted(claims)
    assert event["authn_context"]["issuer"]  # the GAR's entityID
    assert set(event["authn_context"]) == {"class_ref", "issuer"}
    assert re.fullmatch(r"[0-9A-F]{12}", event["id"])
    assert event["time"]
    for value in (user.ido, user.pre, user.nom, claims["siecle_ine"], claims["birthdate"]):
        assert value not in lines[0]  # no IDO, no claim value
    assert stream_events(stack, audit_env) == [event]  # the Redis stream holds the same


def test_the_error_page_reference_is_the_audit_event_id(stack, browser, audited_proxy,
                                                        audit_env):
    audited_proxy()
    autopost, _ = login(browser, "theo-martin-3a", mode="unsolicited")

    replay = browser.post_saml(autopost)

    assert replay.status_code == 400
    reference = re.search(r'class="error-reference">([0-9A-F]+)<', replay.text).group(1)
    events = {e["id"]: e for e in read_events(Path(audit_env["PIXGAR_AUDIT_DIR"]))}
    assert events[reference]["outcome"] == "refused"
    assert events[reference]["reason"] == "replayed_assertion"
    assert events[reference]["step"] == "gar/acs/post"
    assert reference in {e["id"] for e in stream_events(stack, audit_env)}


def test_no_audit_no_release(stack, browser, audited_proxy, audit_env, released_claims, pix_db,
                             tmp_path):
    codes_before = stored_codes(stack)
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("the audit directory cannot be created here", encoding="utf-8")
    audited_proxy(PIXGAR_AUDIT_DIR=str(blocker / "audit"))
    refused = {"outcome": "refused", "reason": "audit_unavailable", "client": "pix"}
    before = (REGISTRY.get_sample_value("pixgar_proxy_audit_failures_total") or 0,
              REGISTRY.get_sample_value("pixgar_proxy_logins_total", refused) or 0)

    _, page = login(browser, PUPIL)

    assert page.status_code == 503
    assert "indisponible" in page.text
    assert not released_claims
    assert not any("/connexion/oidc/callback" in url for url in browser.visited)
    assert REGISTRY.get_sample_value("pixgar_proxy_audit_failures_total") >= before[0] + 1
    assert REGISTRY.get_sample_value("pixgar_proxy_logins_total", refused) == before[1] + 1
    assert stored_codes(stack) == codes_before  # the code was never stored, let alone given


def stored_codes(stack) -> set[bytes]:
    client = redis.Redis.from_url(stack.env["REDIS_URL"])
    return set(client.scan_iter("pixgar:oidc:authz_codes:*"))


JWT_CLAIMS = {"iss", "aud", "exp", "iat", "nonce", "at_hash", "c_hash", "auth_time", "azp",
              "sub", "acr", "amr", "sid"}


def test_the_id_token_carries_no_claim_outside_the_policy_even_when_asked(
        stack, browser, audited_proxy, config_dir, audit_env):
    allowed = ["given_name", "family_name", "gar_uai", "siecle_match"]
    audited_proxy(PIXGAR_CONFIG_DIR=str(config_dir({"clients": {"pix": allowed}})))
    client = OidcClient(browser.session, stack.env, user=PUPIL)
    asked = {name: None for name in EVERY_CLAIM}  # OIDC Core §5.5: claims in the ID token
    authz, tokens = client.login(claims=json.dumps({"id_token": asked, "userinfo": asked}))

    claims = verify_id_token(tokens["id_token"], client.jwks(), issuer=client.issuer,
                             client_id="pix", nonce=authz.nonce,
                             access_token=tokens["access_token"])
    userinfo = client.userinfo(tokens["access_token"]).json()

    assert set(claims) - JWT_CLAIMS <= set(allowed), claims
    assert set(claims) - JWT_CLAIMS, "the ID token should carry the allowed claims asked for"
    assert set(userinfo) == set(allowed) | {"sub"}, userinfo
    assert claims["sub"] == userinfo["sub"]
    [event] = read_events(Path(audit_env["PIXGAR_AUDIT_DIR"]))
    assert event["claims"] == sorted(set(allowed) | {"sub"})
    assert event["sub"] == claims["sub"]


@pytest.mark.parametrize(("overrides", "reason", "error"), [
    ({"code_challenge": None, "code_challenge_method": None}, "pkce_required", "invalid_request"),
    ({"prompt": "none"}, "prompt_none_unsupported", "login_required"),
    ({"response_type": "token"}, "authorization_invalid_request", "invalid_request"),
    ({"scope": "profile"}, "authorization_invalid_request", "invalid_request"),  # no openid
])
def test_a_refused_authorization_request_is_audited_and_counted(
        stack, browser, audited_proxy, audit_env, overrides, reason, error):
    audited_proxy()
    client = OidcClient(browser.session, stack.env)
    labels = {"outcome": "refused", "reason": reason, "client": "pix"}
    before = REGISTRY.get_sample_value("pixgar_proxy_logins_total", labels) or 0.0
    query, _ = client.authorization_query(**overrides)

    answer = client.authorize_raw(query)

    assert answer.status_code in (302, 303)
    assert f"error={error}" in answer.headers["Location"]
    [event] = read_events(Path(audit_env["PIXGAR_AUDIT_DIR"]))
    assert (event["outcome"], event["reason"], event["client_id"], event["step"]) == \
        ("refused", reason, "pix", "authorization_request")
    assert event["request_id"] == answer.headers["X-Request-Id"]
    assert REGISTRY.get_sample_value("pixgar_proxy_logins_total", labels) == before + 1
