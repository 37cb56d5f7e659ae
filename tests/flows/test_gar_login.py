"""A pupil's whole login: ENT médiacentre → GAR → proxy → OIDC → pix_core profile."""

from __future__ import annotations

from gar_sim.users import get_user
from pix_core.evaluation.domain.framework import PIX_FRAMEWORK
from tests.flows.conftest import accounts_named, count_users

PUPIL = "lea-lefevre"


def assert_one_account(pix_db, user_id: str) -> None:
    user = get_user(user_id)
    assert accounts_named(pix_db, user.pre, user.nom) == 1


def fresh_ido_login(browser, gar, user_id: str, ido: str):
    """A GAR user the stack has never seen (new IDO, new names), at ``user_id``'s school."""
    browser.click_pix(browser.open_mediacentre(user_id))
    sso_hop = next(url for url in reversed(browser.visited) if "/idp/sso?" in url)
    newcomer = {"IDO": [ido], "PRE": ["Inès"], "NOM": ["Nouvelle-Arrivée"]}
    acs, response, relay = gar.sso_response(user_id, sso_hop.split("?", 1)[1],
                                            extra_attributes=newcomer)
    return browser.session.post(acs, data={"SAMLResponse": response, "RelayState": relay})


def assert_profile_of(page, user_id: str) -> None:
    user = get_user(user_id)
    assert page.status_code == 200
    assert page.url.endswith("/profil")
    assert "Vous avez 16 compétences à tester" in page.text
    assert user.pre in page.text
    assert user.nom in page.text
    assert "1024" in page.text
    for area in PIX_FRAMEWORK.areas:
        assert area.name in page.text
        for competence in area.competences:
            assert competence.name.replace("'", "&#39;") in page.text


def login(browser, user_id: str = PUPIL, mode: str = "sp"):
    mediacentre = browser.open_mediacentre(user_id)
    assert mediacentre.status_code == 200
    autopost = browser.click_pix(mediacentre, mode=mode)
    assert autopost.status_code == 200
    assert "SAMLResponse" in autopost.text
    return autopost, browser.post_saml(autopost)


def test_pupil_clicks_pix_and_lands_on_the_profile(browser, pix_db):
    _, profile = login(browser)

    assert_profile_of(profile, PUPIL)
    assert_one_account(pix_db, PUPIL)


def test_first_visit_creates_an_account_and_the_next_reaches_it(stack, browser, gar, pix_db):
    import secrets

    ido = secrets.token_hex(32)  # a GAR user never seen, and not in any roster
    before = count_users(pix_db)

    first = fresh_ido_login(browser, gar, "noe-garcon", ido)
    assert first.url.endswith("/profil")
    assert "Nouvelle-Arrivée" in first.text
    assert count_users(pix_db) == before + 1
    assert accounts_named(pix_db, "Inès", "Nouvelle-Arrivée") == 1

    again = type(browser)(stack, *_fresh_session(stack))
    second = fresh_ido_login(again, gar, "noe-garcon", ido)
    assert second.url.endswith("/profil")
    assert "Nouvelle-Arrivée" in second.text
    assert count_users(pix_db) == before + 1


def test_login_started_on_one_proxy_instance_ends_on_another(browser, second_proxy, pix_db):
    mediacentre = browser.open_mediacentre("noe-garcon")
    autopost = browser.click_pix(mediacentre)  # AuthnRequest issued by instance A
    browser.route_proxy_to(second_proxy)

    profile = browser.post_saml(autopost)  # ACS, authorization code and token on instance B

    assert_profile_of(profile, "noe-garcon")
    assert_one_account(pix_db, "noe-garcon")


def test_unsolicited_response_logs_in_and_its_replay_is_refused(browser, pix_db):
    autopost, profile = login(browser, "theo-martin-3a", mode="unsolicited")
    assert_profile_of(profile, "theo-martin-3a")
    assert any("/connexion/gar/initier" in url for url in browser.visited)
    users = count_users(pix_db)

    replay = browser.post_saml(autopost)

    assert replay.status_code == 400
    assert "Référence de l'erreur" in replay.text
    assert count_users(pix_db) == users


def test_names_and_identifiers_never_reach_the_logs(browser, all_logs):
    user = get_user("theo-martin-3b")
    login(browser, "theo-martin-3b")

    text = "\n".join(record.getMessage() for record in all_logs.records)
    for secret in (user.ido, user.pre, user.nom):
        assert secret not in text


def _fresh_session(stack):
    from tests.support.wsgi_transport import routed_session

    return routed_session(dict(stack.apps))


def test_encrypted_assertion_with_basic_attribute_names_logs_in(browser, gar, pix_db):
    """The GAR may encrypt assertions (key from our SP metadata) and name attributes 'basic'."""
    from urllib.parse import urlsplit

    mediacentre = browser.open_mediacentre("doc-helene-gueguen")
    browser.click_pix(mediacentre)
    sso_hop = next(url for url in reversed(browser.visited) if "/idp/sso?" in url)
    acs, response, relay = gar.sso_response("doc-helene-gueguen", urlsplit(sso_hop).query,
                                            encrypt_assertion=True, name_format="basic")
    assert b"EncryptedAssertion" in __import__("base64").b64decode(response)

    profile = browser.session.post(acs, data={"SAMLResponse": response, "RelayState": relay})

    assert_profile_of(profile, "doc-helene-gueguen")
    assert_one_account(pix_db, "doc-helene-gueguen")
