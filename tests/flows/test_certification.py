"""A certification from end to end through the real apps: a school creates a session and
enrols two pupils; Noé, not eligible, is refused; Léa arrives through the GAR, the
supervisor (in another browser) authorises her, she answers (a reload shows the same
challenge), the examiner finalises, results are processed and published, she sees her
certificate and anyone verifies it by its code. Refusals: a wrong access code, a wrong
birth date, a session of another school."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from gar_sim.users import SCHOOL_UAI
from kernel.sql.engine import make_engine
from pix_core.database.unit_of_work import unit_of_work_factory
from pix_core.evaluation.adapters.content_bank import default_content
from pixgar.cli import main as pixgar
from roster.reading.synthetic import SyntheticPupil, siecle_xml
from tests.flows.conftest import Browser
from tests.flows.test_campaigns import ROSTER, form, submit
from tests.support.browsing import forms_of
from tests.support.certification import make_eligible, right_answer
from tests.support.wsgi_transport import routed_session

CONTENT = default_content()
OTHER_UAI = "0999999Z"
TEACHER = "prof.certif@exemple.fr"
OTHER_TEACHER = "prof.ailleurs@exemple.fr"
SESSION_FORM = {"date": "2026-06-02", "heure": "09:00", "salle": "Salle 12",
                "adresse": "1 rue de l'École", "examinateur": "Mme Examinatrice"}
LEA = {"nom": "Lefèvre", "prenom": "Léa", "jour": "14", "mois": "03", "annee": "2011"}
NOE = {"nom": "Garçon", "prenom": "Noé", "jour": "11", "mois": "11", "annee": "2011"}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def stack(request):
    name = "stack" if request.param == "sqlite" else "postgres_stack"
    return request.getfixturevalue(name)


@pytest.fixture(scope="module")
def schools(stack, tmp_path_factory):
    folder = tmp_path_factory.mktemp("siecle")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", stack.env["DATABASE_URL"])
        ours = folder / "ours.xml"
        ours.write_bytes(siecle_xml(ROSTER, SCHOOL_UAI))
        assert pixgar(["siecle", "import", str(ours), "--uai", SCHOOL_UAI]) == 0
        theirs = folder / "theirs.xml"  # another school, with a Léa Lefèvre born the same day
        theirs.write_bytes(siecle_xml([SyntheticPupil(
            "1", "070801299ZZ", "Lefèvre", "Léa", "14/03/2011", "2", "3C")], OTHER_UAI))
        assert pixgar(["siecle", "import", str(theirs), "--uai", OTHER_UAI]) == 0
        yield


def teacher(stack, capsys, uai: str, email: str):
    assert pixgar(["orga", "add-admin", "--uai", uai, "--email", email]) == 0
    password = re.search(r"temporary password \(shown once\): (\S+)", capsys.readouterr().out)
    session, _ = routed_session(dict(stack.apps))
    pix = stack.env["PIX_BASE_URL"]
    login = session.get(f"{pix}/orga/connexion")
    done = submit(session, login, "/orga/connexion", email=email,
                  password=password.group(1) if password else "")
    assert done.url == f"{pix}/orga", done.text[:300]
    return session


def create_session(session, pix: str, uai: str):
    listing = session.get(f"{pix}/orga/{uai}/certification")
    assert listing.status_code == 200
    page = submit(session, listing, f"/orga/{uai}/certification", **SESSION_FORM)
    assert page.status_code == 200, page.text[:300]
    number = int(page.url.rsplit("/", 1)[1])
    code = re.search(r'id="access-code">([A-Z0-9]{6})<', page.text).group(1)
    password = re.search(r'id="supervisor-password">([A-Z0-9]{5})<', page.text).group(1)
    return page, number, code, password


def learner_ids(page) -> dict[str, str]:
    """Learner id by first name, from the enrolment table."""
    return dict((name, value) for value, name in re.findall(
        r'name="eleve" value="(\d+)"\s+aria-label="Inscrire (\S+)', page.text))


def gar_pupil(stack, user_id: str) -> Browser:
    browser = Browser(stack, *routed_session(dict(stack.apps)))
    profile = browser.post_saml(browser.click_pix(browser.open_mediacentre(user_id)))
    assert profile.url.endswith("/profil")
    assert 'href="/certification"' in profile.text  # the menu entry
    return browser


def join(browser: Browser, pix: str, code: str, **identity: str):
    page = browser.session.get(f"{pix}/certification")
    return submit(browser.session, page, "/certification", code=code, **identity)


def make_user_eligible(stack, first: str, last: str) -> None:
    engine = make_engine(stack.env["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            ids = connection.execute(sa.text(
                "SELECT id FROM users WHERE first_name = :f AND last_name = :l"),
                {"f": first, "l": last}).scalars().all()
        with unit_of_work_factory(engine)() as uow:
            for user_id in ids:
                make_eligible(uow, CONTENT, user_id, datetime.now(UTC))
            uow.commit()
    finally:
        engine.dispose()


def refused(page, title: str) -> None:
    assert page.status_code == 403, page.text[:300]
    assert title in html.unescape(page.text)
    assert "Référence de l'erreur" in html.unescape(page.text)


def test_a_certification_from_the_session_to_the_verified_certificate(stack, schools, capsys):
    pix = stack.env["PIX_BASE_URL"]
    school = teacher(stack, capsys, SCHOOL_UAI, TEACHER)
    page, number, code, password = create_session(school, pix, SCHOOL_UAI)
    ids = learner_ids(page)
    enrolled = school.post(f"{pix}/orga/{SCHOOL_UAI}/certification/sessions/{number}/candidats",
                           data={**form(page, "/orga/")["fields"], "eleve": [ids["Léa"],
                                                                             ids["Noé"]],
                                 f"temps-{ids['Léa']}": "33"})
    assert "Candidats (2)" in enrolled.text
    assert "33 %" in enrolled.text

    other = teacher(stack, capsys, OTHER_UAI, OTHER_TEACHER)
    _, _, other_code, _ = create_session(other, pix, OTHER_UAI)
    other_page = other.get(f"{pix}/orga/{OTHER_UAI}/certification")
    assert other_page.status_code == 200

    noe = gar_pupil(stack, "noe-garcon")
    refused(join(noe, pix, code, **NOE), "Vous n'êtes pas encore certifiable")

    lea = gar_pupil(stack, "lea-lefevre")
    make_user_eligible(stack, "Léa", "Lefèvre")
    refused(join(lea, pix, "BBBB22", **LEA), "Accès à la certification refusé")
    refused(join(lea, pix, code, **{**LEA, "jour": "15"}), "Accès à la certification refusé")
    refused(join(lea, pix, other_code, **LEA), "Accès à la certification refusé")
    waiting = join(lea, pix, code.lower(), **{**LEA, "nom": "LEFEVRE", "prenom": " lea"})
    assert waiting.status_code == 200
    assert "Attendez que le surveillant" in waiting.text
    assert waiting.headers["Refresh"] == "5"
    mine = waiting.url

    supervisor, _ = routed_session(dict(stack.apps))
    login = supervisor.get(f"{pix}/surveillance")
    wrong = submit(supervisor, login, "/surveillance", numero=str(number),
                   mot_de_passe=("Z" if password[0] != "Z" else "Y") + password[1:])
    assert wrong.status_code == 403
    login = supervisor.get(f"{pix}/surveillance")
    room = submit(supervisor, login, "/surveillance", numero=str(number),
                  mot_de_passe=password.lower())
    assert room.url == f"{pix}/surveillance/{number}"
    assert "En attente d'autorisation" in html.unescape(room.text)
    authorise = next(f for f in forms_of(room.text) if f["action"].endswith("/autoriser"))
    room = supervisor.post(f"{pix}{authorise['action']}", data=authorise["fields"])
    assert "Autorisé à commencer" in room.text

    ready = lea.session.get(mine)
    test = submit(lea.session, ready, f"/certification/{mine.rsplit('/', 1)[1]}/commencer")
    asked = 0
    while "/epreuve" in test.url:
        challenge = form(test, "/certification/")
        again = lea.session.get(test.url)  # a reload: the same challenge, never the next
        assert form(again, "/certification/")["fields"]["challenge_id"] == \
            challenge["fields"]["challenge_id"]
        test = submit(lea.session, test, "/certification/",
                      answer=right_answer(CONTENT, challenge["fields"]["challenge_id"]))
        asked += 1
        assert asked <= 48
    assert asked == 15
    assert "Votre test est terminé" in test.text
    room = supervisor.get(f"{pix}/surveillance/{number}")
    assert 'id="finished-count">1<' in room.text

    session_page = school.get(f"{pix}/orga/{SCHOOL_UAI}/certification/sessions/{number}")
    finalised = submit(school, session_page, f"/orga/{SCHOOL_UAI}/certification/sessions/"
                       f"{number}/finaliser", commentaire="RAS")
    assert "Finalisée" in finalised.text
    processed = submit(school, finalised, f"/orga/{SCHOOL_UAI}/certification/sessions/"
                       f"{number}/traiter")
    assert "Résultats calculés" in processed.text
    assert lea.session.get(f"{mine}/certificat").status_code == 404  # not published yet
    published = submit(school, processed, f"/orga/{SCHOOL_UAI}/certification/sessions/"
                       f"{number}/publier")
    assert "Résultats publiés" in published.text

    export = school.get(f"{pix}/orga/{SCHOOL_UAI}/certification/sessions/{number}/"
                        "resultats.csv")
    assert export.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    lea_row = next(r for r in rows if r[1] == "Léa")
    assert lea_row[5:8] == ["100 %", "oui", lea_row[7]]
    assert int(lea_row[7]) > 0
    verification = lea_row[8]
    assert re.fullmatch(r"P-[A-Z2-9]{8}", verification)

    certificate = lea.session.get(f"{mine}/certificat")
    assert certificate.status_code == 200
    assert verification in certificate.text
    pdf = lea.session.get(f"{mine}/certificat.pdf")
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    pdf_link = re.search(r'href="(/orga/[^"]+\.pdf)"', certificate_page(school, pix, number))
    school_pdf = school.get(pix + pdf_link.group(1))
    assert school_pdf.content.startswith(b"%PDF")
    anyone, _ = routed_session(dict(stack.apps))
    checked = anyone.get(f"{pix}/verification-certificat", params={"code": verification})
    assert checked.status_code == 200
    assert "Léa Lefèvre" in checked.text
    assert "2011" not in checked.text
    assert "070801" not in checked.text
    unknown = anyone.get(f"{pix}/verification-certificat", params={"code": "P-AAAAAAAA"})
    assert unknown.status_code == 404
    assert "Certificat introuvable" in unknown.text


def certificate_page(school, pix: str, number: int) -> str:
    """The school's printable certificate of the session's certified pupil."""
    session_page = school.get(f"{pix}/orga/{SCHOOL_UAI}/certification/sessions/{number}")
    link = re.search(r'href="(/orga/[^"]+/certificats/[0-9]+)"', session_page.text).group(1)
    return school.get(pix + link).text
