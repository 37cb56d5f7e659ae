"""The proxy finds pupils in the school's roster (imported by `pixgar siecle import`)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from gar_sim.users import SCHOOL_UAI, get_user
from pixgar.cli import main as pixgar
from roster.reading.synthetic import SyntheticPupil, siecle_xml
from tests.flows.conftest import Browser, count_users
from tests.support.wsgi_transport import routed_session

ROSTER = [
    SyntheticPupil("1", "070801234AB", "Lefèvre", "Léa", "14/03/2011", "2", "3A"),
    SyntheticPupil("2", "070801235BC", "Benoît", "Chloé", "02/07/2011", "2", "3A"),
    # two Théo Martin in 3A: the GAR's Théo Martin of 3A is a homonym case
    SyntheticPupil("3", "070801236CD", "Martin", "Théo", "20/01/2011", "1", "3A"),
    SyntheticPupil("4", "070801237DE", "Martin", "Théo", "05/09/2011", "1", "3A"),
]


@pytest.fixture(scope="module")
def roster(stack, tmp_path_factory, monkeypatch_module):
    path = tmp_path_factory.mktemp("siecle") / "ElevesSansAdresses.xml"
    path.write_bytes(siecle_xml(ROSTER, SCHOOL_UAI))
    monkeypatch_module.setenv("DATABASE_URL", stack.env["DATABASE_URL"])
    assert pixgar(["siecle", "import", str(path), "--uai", SCHOOL_UAI]) == 0
    return ROSTER


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def login(browser, user_id: str):
    mediacentre = browser.open_mediacentre(user_id)
    return browser.post_saml(browser.click_pix(mediacentre))


def test_a_pupil_the_roster_identifies_gets_ine_birth_date_and_class(roster, browser,
                                                                      released_claims):
    profile = login(browser, "lea-lefevre")

    assert profile.status_code == 200
    claims = released_claims[-1]
    assert claims["siecle_match"] == "matched"
    assert claims["siecle_uai"] == SCHOOL_UAI
    assert claims["siecle_ine"] == "070801234AB"
    assert claims["birthdate"] == "2011-03-14"
    assert claims["siecle_class"] == "3A"


def test_homonyms_get_nothing_and_a_reason(roster, browser, released_claims):
    login(browser, "theo-martin-3a")

    claims = released_claims[-1]
    assert claims["siecle_match"] == "ambiguous"
    assert not {"siecle_ine", "birthdate", "siecle_class"} & set(claims)


def test_a_pupil_missing_from_the_roster_gets_none(roster, browser, released_claims):
    login(browser, "noe-garcon")  # in 3B, not in this roster

    assert released_claims[-1]["siecle_match"] == "none"


def test_staff_are_not_matched(roster, browser, released_claims):
    login(browser, "prof-francois-lemaitre")

    assert released_claims[-1]["siecle_match"] == "not_a_pupil"


def test_a_pupil_back_with_a_new_ido_keeps_the_account(roster, browser, gar, pix_db,
                                                        released_claims):
    login(browser, "chloe-benoit")
    first_sub = released_claims[-1]["sub"]
    users = count_users(pix_db)

    again = Browser(browser.stack, *routed_session(dict(browser.stack.apps)))
    again.click_pix(again.open_mediacentre("chloe-benoit"))
    sso_hop = next(url for url in reversed(again.visited) if "/idp/sso?" in url)
    acs, response, relay = gar.sso_response(
        "chloe-benoit", urlsplit(sso_hop).query, extra_attributes={"IDO": ["c0ffee" * 10]})
    profile = again.session.post(acs, data={"SAMLResponse": response, "RelayState": relay})

    assert profile.status_code == 200
    assert get_user("chloe-benoit").pre in profile.text
    assert released_claims[-1]["sub"] == first_sub
    assert count_users(pix_db) == users
