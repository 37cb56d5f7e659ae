"""Bad input on the login path: each gets a French error page with a reference, no account."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import pytest

from gar_sim.users import get_user
from tests.flows.conftest import count_users, query_of
from tests.support.browsing import forms_of, pkce_pair

PUPIL = "lea-lefevre"


def assert_refused(page, status: int = 400) -> None:
    assert page.status_code == status
    assert '<html lang="fr">' in page.text
    assert "Référence de l'erreur" in page.text


def start_login(browser) -> str:
    """Run a login up to the GAR; return the AuthnRequest query string the GAR received."""
    mediacentre = browser.open_mediacentre(PUPIL)
    autopost = browser.click_pix(mediacentre)
    sso_hop = next(url for url in reversed(browser.visited) if "/idp/sso?" in url)
    assert forms_of(autopost.text)
    return urlsplit(sso_hop).query


def post_to_acs(browser, acs_url: str, saml_response: str, relay_state: str):
    return browser.session.post(acs_url, data={"SAMLResponse": saml_response,
                                               "RelayState": relay_state})


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"sign_assertion": False, "sign_response": False}, id="unsigned"),
        pytest.param({"sign_assertion": False, "sign_response": True}, id="assertion-unsigned"),
        pytest.param({"untrusted_signer": True}, id="signed-by-unknown-key"),
        pytest.param({"audience": "https://another-resource.example/sp"}, id="other-audience"),
        pytest.param({"time_shift": -3600}, id="expired"),
        pytest.param({"recipient": "https://evil.example/acs"}, id="wrong-recipient"),
        pytest.param({"destination": "https://evil.example/acs"}, id="wrong-destination"),
    ],
)
def test_forged_or_stale_responses_are_refused(browser, gar, pix_db, all_logs, overrides):
    before = count_users(pix_db)
    query = start_login(browser)

    acs, response, relay = gar.sso_response(PUPIL, query, **overrides)
    page = post_to_acs(browser, acs, response, relay)

    assert_refused(page)
    assert count_users(pix_db) == before
    logged = "\n".join(record.getMessage() for record in all_logs.records)
    user = get_user(PUPIL)
    assert "request refused" in logged
    for personal in (user.ido, user.pre, user.nom, response[:40]):
        assert personal not in logged


def test_tampered_response_is_refused(browser, gar, pix_db):
    import base64

    before = count_users(pix_db)
    query = start_login(browser)
    acs, response, relay = gar.sso_response(PUPIL, query)
    xml = base64.b64decode(response)
    user = get_user(PUPIL)
    other = get_user("chloe-benoit")
    tampered = xml.replace(user.ido.encode(), other.ido.encode())  # become another pupil
    assert tampered != xml

    page = post_to_acs(browser, acs, base64.b64encode(tampered).decode(), relay)

    assert_refused(page)
    assert count_users(pix_db) == before


def test_replayed_response_is_refused_even_on_another_instance(browser, gar, second_proxy,
                                                                pix_db):
    mediacentre = browser.open_mediacentre(PUPIL)
    autopost = browser.click_pix(mediacentre)
    first = browser.post_saml(autopost)
    assert first.status_code == 200
    users = count_users(pix_db)
    browser.route_proxy_to(second_proxy)

    replay = browser.post_saml(autopost)

    assert_refused(replay)
    assert count_users(pix_db) == users


def test_unsolicited_response_to_a_target_outside_the_allow_list_is_refused(browser, gar,
                                                                            pix_db, stack):
    before = count_users(pix_db)
    sp = f"{stack.env['PROXY_BASE_URL']}/gar/metadata"
    acs, response, _ = gar.unsolicited_response(PUPIL, sp, "https://evil.example/")

    page = post_to_acs(browser, acs, response, "https://evil.example/")

    assert_refused(page)
    assert count_users(pix_db) == before


def _authorization_url(stack, **params: str) -> str:
    verifier, challenge = pkce_pair()
    pix = stack.env["PIX_BASE_URL"]
    query = {
        "response_type": "code", "client_id": "pix", "scope": "openid profile gar",
        "redirect_uri": f"{pix}/connexion/oidc/callback", "state": "s-123", "nonce": "n-123",
        "code_challenge": challenge, "code_challenge_method": "S256", **params,
    }
    query = {k: v for k, v in query.items() if v is not None}
    return f"{stack.env['PROXY_BASE_URL']}/gar/pix/authorization?{urlencode(query)}"


@pytest.mark.parametrize("params", [
    pytest.param({"code_challenge": None, "code_challenge_method": None}, id="no-pkce"),
    pytest.param({"code_challenge_method": "plain"}, id="pkce-plain"),
])
def test_authorization_request_without_pkce_s256_is_sent_back_with_an_error(browser, stack,
                                                                             params):
    answer = browser.session.get(_authorization_url(stack, **params), allow_redirects=False)

    assert answer.status_code == 303
    location = answer.headers["Location"]
    assert location.startswith(f"{stack.env['PIX_BASE_URL']}/connexion/oidc/callback?")
    assert query_of(location)["error"] == "invalid_request"
    assert query_of(location)["state"] == "s-123"

    page = browser.session.get(location)  # pix_core tells the user, in French
    assert_refused(page, status=page.status_code)
    assert 400 <= page.status_code < 500


def test_unknown_redirect_uri_gets_an_error_page_never_a_redirect(browser, stack):
    url = _authorization_url(stack, redirect_uri="https://evil.example/callback")

    answer = browser.session.get(url, allow_redirects=False)

    assert_refused(answer)
    assert "Location" not in answer.headers
