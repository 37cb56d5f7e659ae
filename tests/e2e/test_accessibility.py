"""Every page a pupil or a teacher sees meets axe-core's WCAG 2.1 A/AA rules (RGAA).

Each test walks a real path through the demo in Chromium, audits each page in each state
it shows (forms with their error messages too), then fails with axe's report if any rule
is broken anywhere.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gar_sim.users import SCHOOL_UAI
from roster.reading.synthetic import SyntheticPupil, siecle_xml
from tests.e2e.accessibility import AccessibilityAudit

pytestmark = pytest.mark.e2e

MAX_CHALLENGES = 200
ORGA = f"/orga/{SCHOOL_UAI}"


def demo_log(demo) -> str:
    return Path(demo["DEMO_LOG"]).read_text(encoding="utf-8")


def demo_campaign_code(demo) -> str:
    return re.search(r"demo campaign code: ([A-Z]{6}[0-9]{3})", demo_log(demo)).group(1)


def demo_admin(demo) -> tuple[str, str]:
    found = re.search(r"/orga/connexion \((\S+) / (\S+)\)", demo_log(demo))
    return found.group(1), found.group(2)


def new_page(chromium):
    return chromium.new_context(ignore_https_errors=True, locale="fr-FR").new_page()


def ent_login(page, demo, user_id: str, audit: AccessibilityAudit | None = None) -> None:
    """Through the ENT médiacentre and the GAR to the pupil's Pix profile."""
    page.goto(demo["ENT_BASE_URL"] + "/mediacentre")
    if audit is not None:
        audit.check(page, "ENT médiacentre, personne connectée")
    page.select_option("#ent-user", user_id)
    page.click("#ent-login-submit")
    if audit is not None:
        audit.check(page, "ENT médiacentre")
    page.click("a#resource-link-pix")
    page.wait_for_url("**/profil", timeout=30_000)


def answer_until_done(page, audit: AccessibilityAudit, name: str) -> None:
    """Answer the first choice of each question, auditing the first one in each state."""
    audit.check(page, f"{name} : question")
    page.click("form.challenge button[type=submit]")  # nothing chosen: "Répondez…"
    page.wait_for_url("**?vide=1")
    audit.check(page, f"{name} : question sans réponse")
    for number in range(MAX_CHALLENGES):
        if not re.search(r"/evaluations/[0-9]+(\?.*)?$", page.url):
            return
        if number == 1:
            audit.check(page, f"{name} : question après correction")
        answer = page.locator("input[name=answer]").first
        if answer.get_attribute("type") == "text":
            answer.fill("réponse")
        else:
            answer.check()
        page.click("form.challenge button[type=submit]")
        page.wait_for_load_state()
    raise AssertionError(f"still answering after {MAX_CHALLENGES} questions")


def log_in_to_pix_orga(page, demo, audit: AccessibilityAudit | None = None) -> None:
    email, password = demo_admin(demo)
    page.goto(demo["PIX_BASE_URL"] + "/orga/connexion")
    if audit is not None:
        audit.check(page, "Pix Orga : connexion")
        page.fill("#email", email)
        page.fill("#password", "pas le bon mot de passe")
        page.click("form.form button[type=submit]")
        audit.check(page, "Pix Orga : connexion refusée")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/orga")


def test_pupil_pages_meet_wcag_21_aa(demo, chromium):
    audit = AccessibilityAudit()
    page = new_page(chromium)
    pix = demo["PIX_BASE_URL"]
    ent_login(page, demo, "chloe-benoit", audit)
    audit.check(page, "profil")
    page.goto(pix + "/")
    audit.check(page, "accueil")

    page.goto(pix + "/competences/2.1/evaluation")  # the demo campaign is on 1.1
    audit.check(page, "évaluation d'une compétence : début")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/evaluations/*")
    answer_until_done(page, audit, "évaluation")
    assert page.url.endswith("/resultat")
    audit.check(page, "évaluation : résultat")
    page.goto(pix + "/profil")
    audit.check(page, "profil après une évaluation")

    page.goto(pix + "/parcours")
    audit.check(page, "parcours : code")
    page.fill("#code", "ZZZZZZ999")
    page.click("#parcours-submit")
    audit.check(page, "parcours : code inconnu")
    code = demo_campaign_code(demo)
    page.fill("#code", code)
    page.click("#parcours-submit")
    page.wait_for_url(f"**/campagnes/{code}")
    audit.check(page, "campagne : début")
    page.click("#campaign-start")
    # the demo roster has two Chloé Benoît in 3A: she confirms her birth date first
    page.wait_for_url(re.compile(r"/avant-de-commencer[?]suite="))
    audit.check(page, "avant de commencer (campagne)")
    for field, value in (("#nom", "Benoît"), ("#prenom", "Chloé"), ("#jour", "02"),
                         ("#mois", "07"), ("#annee", "2011")):
        page.fill(field, value)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/evaluations/*")  # identified: straight to the first challenge
    answer_until_done(page, audit, "campagne")
    page.goto(f"{pix}/campagnes/{code}")
    audit.check(page, "campagne : résultats à partager")
    page.click("#campaign-share")
    page.wait_for_url(f"**/campagnes/{code}")
    audit.check(page, "campagne : résultats partagés")

    page.goto(f"{pix}/organisations/{SCHOOL_UAI}/avant-de-commencer")
    audit.check(page, "avant de commencer")
    for path, name in (("/campagnes/AAAAAA000", "erreur : campagne introuvable"),
                       ("/evaluations/999999", "erreur : évaluation introuvable"),
                       ("/page-inexistante", "erreur : page introuvable"),
                       ("/orga", "Pix Orga refusé à un élève")):
        page.goto(pix + path)
        audit.check(page, name)
    page.context.close()
    assert len(audit.pages) >= 20
    assert not audit.violations, audit.report()


def test_teacher_pages_meet_wcag_21_aa(demo, chromium):
    audit = AccessibilityAudit()
    page = new_page(chromium)
    pix = demo["PIX_BASE_URL"]
    log_in_to_pix_orga(page, demo, audit)
    audit.check(page, "Pix Orga : mes organisations")

    page.goto(pix + ORGA + "/eleves")
    audit.check(page, "élèves")
    page.goto(pix + ORGA + "/import")
    audit.check(page, "import SIECLE")
    page.set_input_files("#fichier", files=[{
        "name": "ElevesSansAdresses.xml", "mimeType": "text/xml", "buffer": b"<BEE_ELEVES>"}])
    page.click("form.form button[type=submit]")
    audit.check(page, "import SIECLE refusé")

    page.goto(pix + ORGA + "/membres")
    audit.check(page, "membres")
    page.fill("#email", "collegue.invitee@exemple.fr")
    page.click("form.form button[type=submit]")
    page.wait_for_selector("#invitation-link")
    audit.check(page, "membres : invitation créée")
    invitation = re.search(r"https://\S+/orga/invitations/\S+",
                           page.inner_text("#invitation-link")).group(0)
    guest = new_page(chromium)
    guest.goto(invitation)
    audit.check(guest, "invitation à rejoindre l'organisation")
    guest.context.close()

    page.goto(pix + ORGA + "/campagnes")
    audit.check(page, "campagnes : liste et création")
    page.fill("#name", "Sans profil cible")
    page.click("#new-campaign button[type=submit]")
    audit.check(page, "campagnes : création refusée")
    page.fill("#name", "Sécuriser l'environnement numérique")
    page.check("input[name=target][value='competence:4.1']")
    page.click("#new-campaign button[type=submit]")
    page.wait_for_url(re.compile(r".*/campagnes/[A-Z]{6}[0-9]{3}$"))
    audit.check(page, "campagne : tableau de bord")
    assert "4.1 Sécuriser l'environnement numérique" in page.inner_text("main")
    page.goto(f"{pix}{ORGA}/campagnes/{demo_campaign_code(demo)}")
    audit.check(page, "campagne de démonstration : tableau de bord")
    page.context.close()
    assert not audit.violations, audit.report()


@pytest.mark.changes_demo_roster
def test_roster_pages_and_avant_de_commencer_meet_wcag_21_aa(demo, chromium):
    """A roster without the demo's pupils: they must then say who they are."""
    audit = AccessibilityAudit()
    teacher = new_page(chromium)
    log_in_to_pix_orga(teacher, demo)
    roster = siecle_xml([SyntheticPupil("9001", "070809001AB", "Invente", "Zélie",
                                        "01/02/2011", "2", "3A")], SCHOOL_UAI)
    teacher.goto(demo["PIX_BASE_URL"] + ORGA + "/import")
    teacher.set_input_files("#fichier", files=[{
        "name": "ElevesSansAdresses.xml", "mimeType": "text/xml", "buffer": roster}])
    teacher.click("form.form button[type=submit]")
    assert "Import réussi" in teacher.inner_text("main")
    audit.check(teacher, "import SIECLE réussi")
    teacher.goto(demo["PIX_BASE_URL"] + ORGA + "/eleves")
    audit.check(teacher, "élèves importés")
    teacher.context.close()

    pupil = new_page(chromium)
    ent_login(pupil, demo, "lea-lefevre")
    pupil.goto(f"{demo['PIX_BASE_URL']}/organisations/{SCHOOL_UAI}/avant-de-commencer")
    audit.check(pupil, "avant de commencer : formulaire")
    for field, value in (("#nom", "Lefèvre"), ("#prenom", "Léa"), ("#jour", "31"),
                         ("#mois", "02"), ("#annee", "2011")):
        pupil.fill(field, value)
    pupil.click("main form button[type=submit]")
    audit.check(pupil, "avant de commencer : date invalide")
    pupil.fill("#jour", "14")
    pupil.click("main form button[type=submit]")
    assert "Aucun élève ne correspond" in pupil.inner_text("main")
    audit.check(pupil, "avant de commencer : aucun élève")
    pupil.context.close()
    assert not audit.violations, audit.report()
