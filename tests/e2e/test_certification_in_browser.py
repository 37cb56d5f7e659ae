"""A certification in Chromium, every page audited with axe (WCAG 2.1 A/AA): the school
creates a session and enrols a class, a pupil from the ENT médiacentre joins with the
access code while the supervisor authorises in a second browser context, the pupil
answers, the school finalises and publishes, the certificate is verified by its code.

Théo Martin (3A) takes it: no other browser test uses him (his profile changes here)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from kernel.sql.engine import make_engine
from pix_core.database.unit_of_work import unit_of_work_factory
from pix_core.evaluation.adapters.content_bank import default_content
from tests.e2e.accessibility import AccessibilityAudit
from tests.e2e.test_accessibility import ORGA, ent_login, log_in_to_pix_orga, new_page
from tests.support.certification import make_eligible

pytestmark = pytest.mark.e2e
MAX_CHALLENGES = 60


def make_theo_eligible(demo) -> None:
    """Five competences at level 2 in the demo's database (as if evaluated)."""
    engine = make_engine(f"sqlite:///{Path(demo['DEMO_LOG']).parent / 'pix.db'}")
    try:
        with engine.connect() as connection:
            ids = connection.scalars(sa.text(
                "SELECT id FROM users WHERE first_name = 'Théo' AND last_name = 'Martin'")).all()
        with unit_of_work_factory(engine)() as uow:
            for user_id in ids:
                make_eligible(uow, default_content(), user_id, datetime.now(UTC))
            uow.commit()
    finally:
        engine.dispose()


def create_session(page, pix: str, audit: AccessibilityAudit) -> tuple[str, str, str]:
    page.goto(pix + ORGA + "/certification")
    audit.check(page, "certification : sessions")
    for field, value in (("#date", "2026-06-02"), ("#heure", "09:00"), ("#salle", "CDI"),
                         ("#adresse", "Collège Jules-Simon"), ("#examinateur", "M. Durand")):
        page.fill(field, value)
    page.click("#new-certification-session button[type=submit]")
    page.wait_for_url(re.compile(r"/certification/sessions/[0-9]+$"))
    audit.check(page, "session : créée")
    page.select_option("#classe", "3A")
    page.click("#enrol-class button[type=submit]")
    page.wait_for_load_state()
    audit.check(page, "session : candidats inscrits")
    return (page.url, page.inner_text("#access-code"), page.inner_text("#supervisor-password"))


def take_the_test(page, audit: AccessibilityAudit) -> int:
    audit.check(page, "certification : question")
    for asked in range(MAX_CHALLENGES):
        if "/epreuve" not in page.url:
            return asked
        answer = page.locator("input[name=answer]").first
        if answer.get_attribute("type") == "text":
            answer.fill("réponse")
        else:
            answer.check()
        page.click("form.challenge button[type=submit]")
        page.wait_for_load_state()
    raise AssertionError(f"still answering after {MAX_CHALLENGES} questions")


def test_a_certification_in_the_browser_meets_wcag_21_aa(demo, chromium):
    audit = AccessibilityAudit()
    pix = demo["PIX_BASE_URL"]
    school = new_page(chromium)
    log_in_to_pix_orga(school, demo)
    session_url, code, password = create_session(school, pix, audit)
    number = session_url.rsplit("/", 1)[1]

    pupil = new_page(chromium)
    ent_login(pupil, demo, "theo-martin-3a")
    make_theo_eligible(demo)
    pupil.click("a#nav-certification")
    pupil.wait_for_url("**/certification")
    audit.check(pupil, "certification : accès")
    identity = (("#nom", "Martin"), ("#prenom", "Théo"), ("#jour", "20"), ("#mois", "01"),
                ("#annee", "2011"))
    for field, value in (("#code", "BBBB22"), *identity):
        pupil.fill(field, value)
    pupil.click("#certification-submit")
    assert "Accès à la certification refusé" in pupil.inner_text("main")
    audit.check(pupil, "certification : accès refusé")
    pupil.goto(pix + "/certification")
    for field, value in (("#code", code), *identity):
        pupil.fill(field, value)
    pupil.click("#certification-submit")
    pupil.wait_for_url(re.compile(r"/certification/[0-9]+$"))
    mine = pupil.url
    assert "Attendez que le surveillant" in pupil.inner_text("main")
    audit.check(pupil, "certification : en attente du surveillant")

    supervisor = new_page(chromium)  # another browser context: the room's computer
    supervisor.goto(pix + "/surveillance")
    audit.check(supervisor, "surveillance : connexion")
    supervisor.fill("#numero", number)
    supervisor.fill("#mot_de_passe", password)
    supervisor.click("#supervision-form button[type=submit]")
    supervisor.wait_for_url(f"**/surveillance/{number}")
    audit.check(supervisor, "surveillance : candidats")
    supervisor.click("button[id^=authorise-]")
    supervisor.wait_for_load_state()
    assert "Autorisé à commencer" in supervisor.inner_text("main")

    pupil.goto(mine)
    audit.check(pupil, "certification : autorisé")
    pupil.click("#start-test button[type=submit]")
    pupil.wait_for_url("**/epreuve")
    assert take_the_test(pupil, audit) == 15
    assert "Votre test est terminé" in pupil.inner_text("main")
    audit.check(pupil, "certification : test terminé")
    supervisor.goto(f"{pix}/surveillance/{number}")
    assert supervisor.inner_text("#finished-count") == "1"
    audit.check(supervisor, "surveillance : un candidat a terminé")
    supervisor.context.close()

    school.goto(session_url)
    school.fill("#commentaire", "Aucun incident.")
    school.click("#finalise button[type=submit]")
    school.wait_for_load_state()
    audit.check(school, "session : finalisée")
    school.click("#process button[type=submit]")
    school.wait_for_load_state()
    school.click("#publish button[type=submit]")
    school.wait_for_load_state()
    assert "Résultats publiés" in school.inner_text("#session-status")
    audit.check(school, "session : résultats publiés")
    school.click("a[href*='/certificats/']")
    school.wait_for_url(re.compile(r"/certificats/[0-9]+$"))
    audit.check(school, "certificat (établissement)")
    verification = school.inner_text("#verification-code")
    school.context.close()

    pupil.goto(pix + "/certification")
    audit.check(pupil, "certification : mes certifications")
    pupil.goto(mine + "/certificat")
    assert verification in pupil.inner_text("main")
    audit.check(pupil, "certification : mon certificat")
    pupil.context.close()

    anyone = new_page(chromium)
    anyone.goto(pix + "/verification-certificat")
    audit.check(anyone, "vérification : formulaire")
    anyone.fill("#code", verification)
    anyone.click("#verification-form button[type=submit]")
    assert "Théo Martin" in anyone.inner_text("main")
    audit.check(anyone, "vérification : certificat")
    anyone.fill("#code", "P-AAAAAAAA")
    anyone.click("#verification-form button[type=submit]")
    audit.check(anyone, "vérification : code inconnu")
    anyone.context.close()
    assert not audit.violations, audit.report()
