"""The state cookie is sealed with AES-256-GCM (proxy/state/cookie.py): tampering is refused.

SATOSA's own cookie (AES-CBC, no MAC) silently becomes an *empty* state when it fails to
decrypt, which at the ACS turns a solicited login into something else; here any change
to the cookie ends the login on a French error page with a reference, logged as a
security event.
"""

from __future__ import annotations

import base64
import json
import logging
import zlib
from urllib.parse import urlencode

import pytest
from satosa.state import State

from proxy.state.cookie import StateCookieCodec, TamperedStateCookie
from tests.support.browsing import forms_of
from tests.support.oidc_client import OidcClient
from tests.support.wsgi_transport import routed_session

COOKIE = "pixgar_proxy_state"


@pytest.fixture
def client(stack, browser) -> OidcClient:
    return OidcClient(browser.session, stack.env)


@pytest.fixture
def stack_state_key(stack) -> str:
    """The state key the stack's proxy runs with (generated in its data dir)."""
    from proxy.keys.files import load_keys
    from proxy.settings import ProxySettings

    return load_keys(ProxySettings.from_env(stack.env)).state_key.reveal()


def start_login(client) -> tuple[dict, str]:
    """Up to the GAR's auto-POST page; returns that form and the state cookie's value."""
    client.log_into_ent()
    query, _ = client.authorization_query()
    page = client.session.get(f"{client.issuer}/gar/pix/authorization?{urlencode(query)}")
    form = forms_of(page.text)[0]
    value = client.session.cookies.get(COOKIE)
    assert value, "no state cookie set"
    return form, value.strip('"')


def post_acs(stack, form: dict, cookie_value: str):
    """The browser's POST to the ACS, with exactly this state cookie."""
    session, _ = routed_session(dict(stack.apps))
    return session.post(form["action"], data=form["fields"], allow_redirects=False,
                        headers={"Cookie": f'{COOKIE}="{cookie_value}"'})


def flip(value: str, index: int, bit: int = 0) -> str:
    return value[:index] + chr(ord(value[index]) ^ (1 << bit)) + value[index + 1:]


def test_the_state_cookie_is_sealed(client, stack_state_key):
    _, value = start_login(client)
    assert value.startswith("v2.")
    assert len(value) > 60
    plain = StateCookieCodec(stack_state_key).open(COOKIE, value)
    remembered = json.dumps(plain)
    assert "oidc_request" in remembered  # the markers below are really in the state
    sealed = base64.urlsafe_b64decode(value[3:] + "=" * (-len(value[3:]) % 4))
    for inflatable in (sealed, sealed[12:]):  # not merely compressed: encrypted
        with pytest.raises(zlib.error):
            zlib.decompress(inflatable)
    # Only long markers: a 3-letter word turns up in random base64 about once in 1,000
    # cookies, which is what made this test fail once in CI.
    for marker in ("oidc_request", "authorization", client.redirect_uri):
        assert marker not in value
        assert marker.encode() not in sealed


def test_a_flipped_bit_anywhere_in_the_cookie_ends_the_login(stack, client, caplog):
    form, value = start_login(client)
    caplog.set_level(logging.WARNING, logger="proxy.security")
    step = max(1, len(value) // 400)  # every position of a normal cookie; bounded time
    for index in range(0, len(value), step):
        answer = post_acs(stack, form, flip(value, index))
        assert answer.status_code == 400, index
        assert "Location" not in answer.headers, index
        assert "Référence de l'erreur" in answer.text
        assert "Session expirée" in answer.text
        deleted = answer.headers.get("Set-Cookie", "")
        assert deleted.startswith(f"{COOKIE}=")
        assert "Max-Age=0" in deleted
    logged = [r.getMessage() for r in caplog.records if r.name == "proxy.security"]
    assert len([m for m in logged if "code=state_cookie_tampered" in m]) == len(
        range(0, len(value), step))

    # the untouched cookie still completes the same login: the refusals were the seal's
    genuine = post_acs(stack, form, value)
    assert genuine.status_code in (302, 303)
    assert "code=" in genuine.headers["Location"]


def test_satosas_own_cookie_is_refused(stack, client, stack_state_key, caplog):
    """A stock SATOSA cookie (AES-CBC, no MAC) under the right key is not accepted."""
    form, _ = start_login(client)
    caplog.set_level(logging.WARNING, logger="proxy.security")
    answer = post_acs(stack, form, State().urlstate(stack_state_key))
    assert answer.status_code == 400
    assert "Location" not in answer.headers
    assert any("code=state_cookie_tampered" in r.getMessage() for r in caplog.records)


def test_a_cookie_sealed_under_another_key_is_refused(stack, client):
    form, value = start_login(client)
    forged = StateCookieCodec("another-proxy-state-key").seal(COOKIE, {"SESSION_ID": "x"})
    answer = post_acs(stack, form, forged)
    assert answer.status_code == 400
    assert "Location" not in answer.headers


def test_no_cookie_at_all_is_still_a_session_expired_page(stack, client):
    form, _ = start_login(client)
    session, _ = routed_session(dict(stack.apps))
    answer = session.post(form["action"], data=form["fields"], allow_redirects=False)
    assert answer.status_code == 400
    assert "Location" not in answer.headers


def test_every_single_bit_flip_of_a_sealed_value_is_detected():
    codec = StateCookieCodec("k" * 32)
    sealed = codec.seal(COOKIE, {"SESSION_ID": "urn:uuid:1", "pix": {"oidc_request": "a=b"}})
    assert codec.open(COOKIE, sealed)["pix"] == {"oidc_request": "a=b"}
    for payload in ("a", "ab", "abc"):  # every length modulo 3: base64's spare bits
        sealed = codec.seal(COOKIE, {"SESSION_ID": "urn:uuid:1", "x": payload})
        for index in range(len(sealed)):
            for bit in range(7):
                with pytest.raises(TamperedStateCookie):
                    codec.open(COOKIE, flip(sealed, index, bit))


def test_the_seal_is_bound_to_the_cookie_name():
    codec = StateCookieCodec("k" * 32)
    with pytest.raises(TamperedStateCookie):
        codec.open("other_cookie", codec.seal(COOKIE, {"a": 1}))


@pytest.mark.parametrize("value", ["", "v2.", "v2.%%%", "v1.abc.def", "v2." + "A" * 16])
def test_malformed_values_are_refused(value):
    with pytest.raises(TamperedStateCookie):
        StateCookieCodec("k" * 32).open(COOKIE, value)
