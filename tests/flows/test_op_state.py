"""The OpenID Provider's state in Redis stays bounded: no scan per login, everything expires."""

from __future__ import annotations

import redis

from pixgar.bench.meter import command_counts
from tests.flows.test_gar_login import assert_profile_of, login
from tests.support.oidc_client import OidcClient
from tests.support.wsgi_transport import routed_session

STATE_COOKIE = "pixgar_proxy_state="  # config/proxy.yaml


def scans(client: redis.Redis) -> int:
    """How many KEYS and SCAN commands the Redis server has run so far (every database)."""
    counts = command_counts(client)
    return counts["keys"] + counts["scan"]


def test_a_whole_login_never_scans_redis(stack, browser):
    client = redis.Redis.from_url(stack.env["REDIS_URL"])
    login(browser, "lea-lefevre")  # warm-up: first login of the session
    before = scans(client)

    _, profile = login(browser, "lea-lefevre")  # authorization, ACS, token, userinfo

    assert_profile_of(profile, "lea-lefevre")
    assert scans(client) == before  # stock pyop ran KEYS satosa:subject_identifiers* twice


def test_the_providers_records_of_a_login_all_expire(stack, browser):
    client = redis.Redis.from_url(stack.env["REDIS_URL"])
    seen_before = set(client.scan_iter(match="*", count=10_000))

    login(browser, "chloe-benoit")

    created = set(client.scan_iter(match="*", count=10_000)) - seen_before
    assert created, "a login leaves state in Redis"
    forever = sorted(k.decode() for k in created if client.ttl(k) == -1)
    assert forever == []


def test_back_channel_answers_set_no_state_cookie(stack, browser):
    client = OidcClient(browser.session, stack.env, user="lea-lefevre")
    query, _ = client.authorization_query()
    started = client.authorize_raw(query)
    assert started.headers.get("Set-Cookie", "").startswith(STATE_COOKIE)  # the login's state

    authz, tokens = client.login()
    server, _ = routed_session(dict(stack.apps))  # pix_core's back channel: no browser cookie
    issuer = client.issuer
    answers = {
        "userinfo": server.get(f"{issuer}/pix/userinfo",
                               headers={"Authorization": f"Bearer {tokens['access_token']}"}),
        "token": client.token(authz.code, authz.verifier, http=server),  # replay: refused
        "discovery": server.get(f"{issuer}/.well-known/openid-configuration"),
        "jwks": server.get(f"{issuer}/pix/jwks"),
    }
    for name, answer in answers.items():
        assert answer.status_code in (200, 400), (name, answer.status_code)
        assert "Set-Cookie" not in answer.headers, name


def test_a_login_reads_back_nothing_it_just_wrote(stack, browser):
    """The audit reads the new code and claims from the ACS's step, not from Redis.

    What a whole login GETs: at the ACS the pupil's subject record; at the token request
    the code, the subject's owner and the claims; at userinfo the token, the owner and
    the claims, and in the redemption's pipeline the code's ``auth_time``.
    """
    client = redis.Redis.from_url(stack.env["REDIS_URL"])
    login(browser, "lea-lefevre")  # warm-up: the subject exists from now on
    before = command_counts(client)["get"]

    _, profile = login(browser, "lea-lefevre")

    assert_profile_of(profile, "lea-lefevre")
    # 10 when the audit read the code and claims back
    assert command_counts(client)["get"] - before == 8
