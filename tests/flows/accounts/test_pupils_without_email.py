"""Pupils without e-mail: a Pix Orga member generates usernames and one-time passwords
(one pupil, a class as a printable list); the pupil logs in and must choose a password.
A pupil who left recovers the account by INE, names, birth date and a new e-mail."""

from __future__ import annotations

import re

import pytest

from pixgar.cli import main as pixgar
from roster.reading.synthetic import SyntheticPupil, siecle_xml
from tests.flows.accounts.conftest import link_from, new_browser, submit, unique_email
from tests.flows.accounts.test_email_accounts import log_in, open_link

UAI = "0999999Z"
ROSTER = [
    SyntheticPupil("1", "090801234AB", "Lefèvre", "Léa", "14/03/2011", "2", "5A"),
    SyntheticPupil("2", "090801235BC", "Lefèvre", "Léa", "14/03/2012", "2", "5B"),
    SyntheticPupil("3", "090801236CD", "N'Diaye", "Moussa", "01/12/2011", "1", "5A"),
    SyntheticPupil("4", "090801237DE", "Petit", "Jade", "20/06/2011", "2", "5B"),
]
TEACHER = "prof.sans-email@exemple.fr"


@pytest.fixture(scope="module")
def school(mail_stack, tmp_path_factory):
    path = tmp_path_factory.mktemp("siecle") / "ElevesSansAdresses.xml"
    path.write_bytes(siecle_xml(ROSTER, UAI))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", mail_stack.env["DATABASE_URL"])
        assert pixgar(["siecle", "import", str(path), "--uai", UAI]) == 0
    return UAI


@pytest.fixture
def teacher(mail_stack, school, capsys):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", mail_stack.env["DATABASE_URL"])
        assert pixgar(["orga", "add-admin", "--uai", UAI, "--email", TEACHER]) == 0
    found = re.search(r"temporary password \(shown once\): (\S+)", capsys.readouterr().out)
    browser = new_browser(mail_stack)
    pix = mail_stack.env["PIX_BASE_URL"]
    if found:  # the first time on this stack's database
        TEACHER_PASSWORD[mail_stack.env["DATABASE_URL"]] = found.group(1)
    page = browser.session.get(f"{pix}/orga/connexion")
    done = submit(browser.session, page, "/orga/connexion", email=TEACHER,
                  password=TEACHER_PASSWORD[mail_stack.env["DATABASE_URL"]])
    assert done.url == f"{pix}/orga", done.text[:300]
    return browser


TEACHER_PASSWORD: dict[str, str] = {}


def generated(page) -> dict[str, tuple[str, str]]:
    """``{"Prénom Nom": (username, one-time password)}`` from the printable list."""
    rows = re.findall(r"<tr><td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td><td><code>([^<]+)"
                      r"</code></td><td><code>([^<]+)</code>", page.text)
    return {f"{first} {last}": (user, password) for last, first, user, password in rows}


def test_a_class_list_then_the_first_login_replaces_the_one_time_password(mail_stack, teacher):
    pix = mail_stack.env["PIX_BASE_URL"]
    roster = teacher.session.get(f"{pix}/orga/{UAI}/eleves")
    listing = submit(teacher.session, roster, f"/orga/{UAI}/eleves/identifiants", classe="5A",
                     eleve="")
    assert listing.status_code == 200
    assert "Identifiants Pix à distribuer" in listing.text
    logins = generated(listing)
    assert set(logins) == {"Léa Lefèvre", "Moussa N&#39;Diaye"}
    username, password = logins["Léa Lefèvre"]
    assert username == "lea.lefevre1403"
    assert logins["Moussa N&#39;Diaye"][0] == "moussa.ndiaye0112"

    pupil = new_browser(mail_stack)
    first = log_in(pupil, pix, username, password)
    assert first.url == f"{pix}/mon-compte/mot-de-passe"
    assert "Choisissez votre mot de passe" \
        in first.text
    chosen = submit(pupil.session, first, "/mon-compte/mot-de-passe", password="Mon-choix-42",
                    confirmation="Mon-choix-42")
    assert chosen.url == f"{pix}/profil"
    assert log_in(new_browser(mail_stack), pix, username, password).status_code == 401
    assert log_in(new_browser(mail_stack), pix, username, "Mon-choix-42").url == f"{pix}/profil"


def test_homonyms_get_distinct_usernames_and_a_single_pupil_can_be_chosen(mail_stack, teacher):
    pix = mail_stack.env["PIX_BASE_URL"]
    roster = teacher.session.get(f"{pix}/orga/{UAI}/eleves")
    listing = submit(teacher.session, roster, f"/orga/{UAI}/eleves/identifiants", classe="5B",
                     eleve="")
    logins = generated(listing)
    assert logins["Léa Lefèvre"][0] == "lea.lefevre1403" + "2"  # the 5A Léa has the plain one
    assert logins["Jade Petit"][0] == "jade.petit2006"


def test_generating_needs_membership_and_csrf(mail_stack, school):
    pix = mail_stack.env["PIX_BASE_URL"]
    outsider = new_browser(mail_stack)
    refused = outsider.session.post(f"{pix}/orga/{UAI}/eleves/identifiants",
                                    data={"classe": "5A"})
    assert refused.url == f"{pix}/orga/connexion" or refused.status_code in (403, 401)


def test_a_pupil_who_left_recovers_the_account_by_ine(mail_stack, catcher, teacher):
    pix = mail_stack.env["PIX_BASE_URL"]
    roster = teacher.session.get(f"{pix}/orga/{UAI}/eleves")
    submit(teacher.session, roster, f"/orga/{UAI}/eleves/identifiants", classe="5B", eleve="")
    email, pupil = unique_email("jade"), new_browser(mail_stack)
    form = pupil.session.get(f"{pix}/recuperer-mon-compte")
    wrong_date = submit(pupil.session, form, "/recuperer-mon-compte", ine="090801237de",
                        prenom="Jade", nom="Petit", naissance="2011-06-21", email=email)
    assert wrong_date.status_code == 404
    assert "Aucun compte ne correspond" in wrong_date.text
    unknown = submit(pupil.session, form, "/recuperer-mon-compte", ine="090801299ZZ",
                     prenom="Jade", nom="Petit", naissance="2011-06-20", email=email)
    assert unknown.status_code == 404
    assert unknown.text.count("Aucun compte") == \
        wrong_date.text.count("Aucun compte")
    incomplete = submit(pupil.session, form, "/recuperer-mon-compte", ine="123",
                        prenom="Jade", nom="Petit", naissance="", email=email)
    assert incomplete.status_code == 400
    assert "Informations incomplètes" in incomplete.text
    sent = submit(pupil.session, form, "/recuperer-mon-compte", ine="090801237de",
                  prenom="jade", nom="PETIT", naissance="2011-06-20", email=email)
    assert sent.status_code == 200
    assert "Consultez votre messagerie" in sent.text
    link = link_from(catcher, email, "Récupérez votre compte")
    done = open_link(pupil, link, password="Jade-retrouve-5", confirmation="Jade-retrouve-5")
    assert done.url == f"{pix}/profil"
    assert log_in(new_browser(mail_stack), pix, email, "Jade-retrouve-5").url == f"{pix}/profil"
    again = open_link(new_browser(mail_stack), link, password="Autre-essai-6",
                      confirmation="Autre-essai-6")
    assert again.status_code == 400  # single use
