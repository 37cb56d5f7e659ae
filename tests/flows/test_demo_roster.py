"""The demo's seeded roster, seen through whole logins: every simulator user's roster
match, "Avant de commencer" for the pupil who must confirm, classes on the dashboard."""

from __future__ import annotations

import re

import pytest

from gar_sim.users import SCHOOL_UAI, USERS, get_user
from pixgar.demo_seed import DEMO_ROSTER, seed_demo
from tests.flows.conftest import Browser, make_stack
from tests.support.browsing import forms_of
from tests.support.wsgi_transport import routed_session

EXPECTED_MATCH = {
    "lea-lefevre": "matched",          # a sure match
    "chloe-benoit": "ambiguous",       # two Chloé Benoît in 3A: she confirms her birth date
    "noe-garcon": "matched",
    "theo-martin-3a": "matched",       # the two homonyms, told apart by their class
    "theo-martin-3b": "matched",
    "prof-francois-lemaitre": "not_a_pupil",
    "doc-helene-gueguen": "not_a_pupil",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory, redis_url):
    """A demo stack of its own (the shared one imports other rosters), seeded as
    ``pixgar demo`` seeds it: twice, as two starts would."""
    stack = make_stack(tmp_path_factory.mktemp("demo-roster"), redis_url)
    data_dir = tmp_path_factory.mktemp("demo-roster-seed")
    seed_demo(stack.env["DATABASE_URL"], data_dir)
    return stack, seed_demo(stack.env["DATABASE_URL"], data_dir)


def browser_on(stack) -> Browser:
    return Browser(stack, *routed_session(dict(stack.apps)))


def login(browser: Browser, user_id: str):
    page = browser.post_saml(browser.click_pix(browser.open_mediacentre(user_id)))
    assert page.status_code == 200, page.text[:300]
    return page


def submit(browser: Browser, page, action: str, **fields):
    form = next(f for f in forms_of(page.text) if f["action"].startswith(action))
    url = form["action"]
    if url.startswith("/"):
        url = re.match(r"https://[^/]+", page.url).group(0) + url
    return browser.session.post(url, data={**form["fields"], **fields})


def join(browser: Browser, code: str):
    pix = browser.stack.env["PIX_BASE_URL"]
    landing = submit(browser, browser.session.get(f"{pix}/parcours"), "/parcours", code=code)
    assert landing.url == f"{pix}/campagnes/{code}"
    return submit(browser, landing, f"/campagnes/{code}")


def test_every_simulator_user_has_an_expected_roster_match():
    assert set(EXPECTED_MATCH) == {user.user_id for user in USERS}


@pytest.mark.parametrize("user_id", EXPECTED_MATCH)
def test_what_the_proxy_finds_for_each_simulator_user(demo, user_id, released_claims):
    stack, _ = demo
    login(browser_on(stack), user_id)

    claims = released_claims[-1]
    assert claims["siecle_match"] == EXPECTED_MATCH[user_id]
    if claims["siecle_match"] != "matched":
        assert not {"siecle_ine", "birthdate", "siecle_class"} & set(claims)
        return
    gar_class = get_user(user_id).div[0].split("##")[0]
    (learner,) = [p for p in DEMO_ROSTER if p.ine == claims["siecle_ine"]]
    assert claims["siecle_uai"] == SCHOOL_UAI
    assert claims["siecle_class"] == gar_class
    assert learner.division == gar_class
    assert get_user(user_id).pre == learner.first_name
    day, month, year = learner.birthdate.split("/")
    assert claims["birthdate"] == f"{year}-{month}-{day}"


def test_a_sure_match_is_tied_without_a_question_a_namesake_confirms_her_birth_date(
        demo):
    stack, seed = demo
    pix = stack.env["PIX_BASE_URL"]

    lea = browser_on(stack)
    login(lea, "lea-lefevre")
    tied = join(lea, seed.campaign_code)  # through "Avant de commencer" without stopping
    assert "/evaluations/" in tied.url
    assert "Question 1" in tied.text
    assert [r.status_code for r in tied.history] == [303, 303, 303]
    assert "avant-de-commencer" in tied.history[1].url
    assert tied.history[2].url == f"{pix}/campagnes/{seed.campaign_code}"

    chloe = browser_on(stack)
    login(chloe, "chloe-benoit")
    form = join(chloe, seed.campaign_code)
    assert f"/organisations/{SCHOOL_UAI}/avant-de-commencer" in form.url
    assert "<h1>Avant de commencer</h1>" in form.text
    ours = next(p for p in DEMO_ROSTER if p.first_name == "Chloé" and p.ine.endswith("BC"))
    day, month, year = ours.birthdate.split("/")
    started = submit(chloe, form, f"/organisations/{SCHOOL_UAI}", nom="Benoît",
                     prenom="Chloé", jour=day, mois=month, annee=year)
    assert "/evaluations/" in started.url
    assert "Question 1" in started.text
    assert started.history[-1].url == f"{pix}/campagnes/{seed.campaign_code}"

    admin, _ = routed_session(dict(stack.apps))
    page = admin.get(f"{pix}/orga/connexion")
    form = next(f for f in forms_of(page.text) if f["action"] == "/orga/connexion")
    admin.post(f"{pix}/orga/connexion", data={**form["fields"], "email": seed.admin_email,
                                              "password": seed.admin_password})
    dashboard = admin.get(f"{pix}/orga/{SCHOOL_UAI}/campagnes/{seed.campaign_code}").text
    assert "Participants (2)" in dashboard
    assert "<h3>3A</h3>" in dashboard
    assert "Sans classe" not in dashboard
