"""A campaign from end to end: a teacher creates it, three pupils arrive through the GAR,
are tied to the roster, answer until done and share; the dashboard and CSV show them."""

from __future__ import annotations

import csv
import io
import re

import pytest

from gar_sim.users import SCHOOL_UAI
from pix_core.campaigns.adapters.target_catalog import ContentCatalog
from pix_core.evaluation.adapters.content_bank import default_content
from pixgar.cli import main as pixgar
from roster.reading.synthetic import SyntheticPupil, siecle_xml
from tests.flows.conftest import Browser
from tests.support.browsing import forms_of
from tests.support.wsgi_transport import routed_session

ROSTER = [
    SyntheticPupil("1", "070801234AB", "Lefèvre", "Léa", "14/03/2011", "2", "3A"),
    SyntheticPupil("2", "070801235BC", "Benoît", "Chloé", "02/07/2011", "2", "3A"),
    SyntheticPupil("3", "070801236CD", "Martin", "Théo", "20/01/2011", "1", "3A"),
    SyntheticPupil("4", "070801237DE", "Martin", "Théo", "05/09/2011", "1", "3A"),
    SyntheticPupil("5", "070801239FG", "Garçon", "Noé", "11/11/2011", "1", "3B"),
]
PUPILS = {"lea-lefevre": ("Lefèvre", "Léa", "3A"), "chloe-benoit": ("Benoît", "Chloé", "3A"),
          "noe-garcon": ("Garçon", "Noé", "3B")}
TEACHER = "prof.parcours@exemple.fr"
MAX_CHALLENGES = 200


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def stack(request):
    """The campaign flow runs on both databases pix_core supports."""
    name = "stack" if request.param == "sqlite" else "postgres_stack"
    return request.getfixturevalue(name)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture(scope="module")
def roster(stack, tmp_path_factory, monkeypatch_module):
    path = tmp_path_factory.mktemp("siecle") / "ElevesSansAdresses.xml"
    path.write_bytes(siecle_xml(ROSTER, SCHOOL_UAI))
    monkeypatch_module.setenv("DATABASE_URL", stack.env["DATABASE_URL"])
    assert pixgar(["siecle", "import", str(path), "--uai", SCHOOL_UAI]) == 0
    return ROSTER


def form(page, action: str) -> dict:
    return next(f for f in forms_of(page.text) if f["action"].startswith(action))


def submit(session, page, action: str, **fields):
    found = form(page, action)
    url = found["action"]
    if url.startswith("/"):
        url = page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2] + url
    return session.post(url, data={**found["fields"], **fields})


def teacher_session(stack, capsys):
    assert pixgar(["orga", "add-admin", "--uai", SCHOOL_UAI, "--email", TEACHER,
                   "--first-name", "Paule", "--last-name", "Prof"]) == 0
    password = re.search(r"temporary password \(shown once\): (\S+)", capsys.readouterr().out)
    session, _ = routed_session(dict(stack.apps))
    pix = stack.env["PIX_BASE_URL"]
    login = session.get(f"{pix}/orga/connexion")
    done = submit(session, login, "/orga/connexion", email=TEACHER,
                  password=password.group(1) if password else "")
    assert done.status_code == 200, done.text[:500]
    assert done.url == f"{pix}/orga"
    return session


def answer_until_done(browser: Browser, page):
    for _ in range(MAX_CHALLENGES):
        if "/evaluations/" not in page.url or page.url.endswith("/resultat"):
            return page
        page = submit(browser.session, page, "/evaluations/", answer="1")
        assert page.status_code == 200
    raise AssertionError("the assessment never ended")


def test_a_campaign_from_creation_to_shared_results(stack, roster, capsys):
    pix = stack.env["PIX_BASE_URL"]
    teacher = teacher_session(stack, capsys)
    target = ContentCatalog(default_content()).choices()[0]
    listing = teacher.get(f"{pix}/orga/{SCHOOL_UAI}/campagnes")
    created = submit(teacher, listing, f"/orga/{SCHOOL_UAI}/campagnes", name="Parcours 3e",
                     target=target.key)
    code = created.url.rsplit("/", 1)[1]
    assert re.fullmatch(r"[A-Z]{6}[0-9]{3}", code)
    assert f"{pix}/campagnes/{code}" in created.text

    for user_id, (last, first, _) in PUPILS.items():
        browser = Browser(stack, *routed_session(dict(stack.apps)))
        mediacentre = browser.open_mediacentre(user_id)
        profile = browser.post_saml(browser.click_pix(mediacentre))
        assert profile.url.endswith("/profil")
        assert 'href="/parcours"' in profile.text
        parcours = browser.session.get(f"{pix}/parcours")
        landing = submit(browser.session, parcours, "/parcours", code=code.lower())
        assert landing.url == f"{pix}/campagnes/{code}"
        assert "Je commence" in landing.text
        after = submit(browser.session, landing, f"/campagnes/{code}")
        if "avant-de-commencer" in after.url:  # the proxy did not match: the form
            birth = next(p for p in ROSTER if p.ine and p.first_name == first).birthdate
            day, month, year = birth.split("/")
            after = submit(browser.session, after, f"/organisations/{SCHOOL_UAI}",
                           nom=last, prenom=first, jour=day, mois=month, annee=year)
        assert "/evaluations/" in after.url, after.url  # "Je commence" clicked once
        answer_until_done(browser, after)
        done = browser.session.get(f"{pix}/campagnes/{code}")
        assert "Partager mes résultats" in done.text
        shared = submit(browser.session, done, f"/campagnes/{code}/partager")
        assert "vos résultats ont été partagés" in shared.text

    dashboard = teacher.get(f"{pix}/orga/{SCHOOL_UAI}/campagnes/{code}").text
    assert "Participants (3)" in dashboard
    assert dashboard.index("<h3>3A</h3>") < dashboard.index("<h3>3B</h3>")
    assert dashboard.count("Résultats reçus") == 3
    export = teacher.get(f"{pix}/orga/{SCHOOL_UAI}/campagnes/{code}/export.csv")
    assert export.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Nom", "Prénom", "Classe", "Statut", "Score pix", "Taux de maîtrise",
                       "Date de partage"]
    assert sorted((r[0], r[1], r[2], r[3]) for r in rows[1:]) == sorted(
        (last, first, division, "Résultats reçus") for last, first, division in PUPILS.values())
    assert all(r[4].isdigit() and r[5].endswith(" %") and r[6] for r in rows[1:])
