"""SATOSA's state cookie (AES-CBC, no MAC) sealed with HMAC-SHA256: tampering is refused.

Without the seal a cookie that fails to decrypt silently becomes an *empty* state, which
at the ACS turns a solicited login into something else; with it, any change to the cookie
ends the login on a French error page with a reference, logged as a security event.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

import pytest

from proxy.state_cookie import TamperedStateCookie, mac_key, seal, unseal
from tests.support.browsing import forms_of
from tests.support.oidc_client import OidcClient
from tests.support.wsgi_transport import routed_session

COOKIE = "pixgar_proxy_state"


@pytest.fixture
def client(stack, browser) -> OidcClient:
    return OidcClient(browser.session, stack.env)


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


def test_the_state_cookie_is_sealed(client):
    _, value = start_login(client)
    assert value.startswith("v1.")
    version, tag, inner = value.split(".", 2)
    assert len(tag) == 43 and inner


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
        assert deleted.startswith(f"{COOKIE}=") and "Max-Age=0" in deleted
    logged = [r.getMessage() for r in caplog.records if r.name == "proxy.security"]
    assert len([m for m in logged if "code=state_cookie_tampered" in m]) == len(
        range(0, len(value), step))

    # the untouched cookie still completes the same login: the refusals were the seal's
    genuine = post_acs(stack, form, value)
    assert genuine.status_code in (302, 303)
    assert "code=" in genuine.headers["Location"]


def test_satosas_own_unsealed_cookie_is_refused(stack, client, caplog):
    """The bare AES-CBC value (what stock SATOSA would accept) is not enough any more."""
    form, value = start_login(client)
    caplog.set_level(logging.WARNING, logger="proxy.security")
    answer = post_acs(stack, form, value.split(".", 2)[2])
    assert answer.status_code == 400
    assert "Location" not in answer.headers
    assert any("code=state_cookie_tampered" in r.getMessage() for r in caplog.records)


def test_a_cookie_sealed_under_another_key_is_refused(stack, client):
    form, value = start_login(client)
    inner = value.split(".", 2)[2]
    forged = seal(mac_key("another-proxy-state-key"), COOKIE, inner)
    answer = post_acs(stack, form, forged)
    assert answer.status_code == 400
    assert "Location" not in answer.headers


def test_no_cookie_at_all_is_still_a_session_expired_page(stack, client):
    form, _ = start_login(client)
    session, _ = routed_session(dict(stack.apps))
    answer = session.post(form["action"], data=form["fields"], allow_redirects=False)
    assert answer.status_code == 400
    assert "Location" not in answer.headers


def test_every_single_bit_flip_of_a_seal_is_detected():
    key = mac_key("k" * 32)
    sealed = seal(key, COOKIE, "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo_-=" * 4)
    assert unseal(key, COOKIE, sealed)
    for index in range(len(sealed)):
        for bit in range(7):
            with pytest.raises(TamperedStateCookie):
                unseal(key, COOKIE, flip(sealed, index, bit))


def test_the_seal_is_bound_to_the_cookie_name():
    key = mac_key("k" * 32)
    with pytest.raises(TamperedStateCookie):
        unseal(key, "other_cookie", seal(key, COOKIE, "abc"))
