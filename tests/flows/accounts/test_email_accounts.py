"""E-mail accounts from end to end, mails read from a real SMTP server on loopback:
sign-up, confirmation, login, wrong passwords, an address already taken, password reset
and change, used and unknown links, CSRF and rate limits."""

from __future__ import annotations

import sqlalchemy as sa

from tests.flows.accounts.conftest import link_from, new_browser, submit, unique_email

PASSWORD = "Cahier-de-texte-7"


def sign_up(browser, pix, email, password=PASSWORD, first="Inès", last="Durand"):
    page = browser.session.get(f"{pix}/inscription")
    return submit(browser.session, page, "/inscription", first_name=first, last_name=last,
                  email=email, password=password, confirmation=password)


def log_in(browser, pix, login, password=PASSWORD):
    page = browser.session.get(f"{pix}/connexion")
    return submit(browser.session, page, "/connexion", login=login, password=password)


def open_link(browser, link, **fields):
    page = browser.session.get(link)
    assert page.status_code == 200, page.text[:300]
    return submit(browser.session, page, link.split("?")[0].split("/", 3)[3].join(["/", ""]),
                  **fields)


def users_with_email(stack, email) -> int:
    engine = sa.create_engine(stack.env["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            return int(connection.execute(sa.text("SELECT count(*) FROM users WHERE email = :e"),
                                          {"e": email}).scalar_one())
    finally:
        engine.dispose()


def test_sign_up_confirm_then_log_in_with_the_password(mail_stack, catcher, pix):
    email, browser = unique_email(), new_browser(mail_stack)
    sent = sign_up(browser, pix, email)
    assert sent.status_code == 200
    assert "Consultez votre messagerie" in sent.text
    assert users_with_email(mail_stack, email) == 0  # nothing until the address is confirmed
    link = link_from(catcher, email, "Confirmez votre adresse")
    assert link.startswith(f"{pix}/inscription/confirmer?jeton=")
    profile = open_link(browser, link)
    assert profile.url == f"{pix}/profil", profile.text[:300]
    assert users_with_email(mail_stack, email) == 1

    other = new_browser(mail_stack)
    assert log_in(other, pix, email.upper()).url == f"{pix}/profil"
    again = open_link(new_browser(mail_stack), link)  # single use
    assert again.status_code == 400
    assert "Lien expiré ou déjà utilisé" in again.text
    assert "Référence de l'erreur" in again.text


def test_wrong_password_and_unknown_address_read_the_same(mail_stack, catcher, pix):
    email, browser = unique_email(), new_browser(mail_stack)
    sign_up(browser, pix, email)
    open_link(browser, link_from(catcher, email, "Confirmez votre adresse"))
    wrong = log_in(new_browser(mail_stack), pix, email, "Pas-le-bon-1")
    unknown = log_in(new_browser(mail_stack), pix, unique_email("inconnu"), "Pas-le-bon-1")
    for page in (wrong, unknown):
        assert page.status_code == 401
        assert "L'identifiant ou le mot de passe est incorrect." in page.text
    assert wrong.text.replace(email, "X").count("alert") == unknown.text.count("alert")


def test_signing_up_a_taken_address_tells_its_owner_not_the_visitor(mail_stack, catcher, pix):
    email = unique_email("prise")
    first = new_browser(mail_stack)
    sign_up(first, pix, email)
    open_link(first, link_from(catcher, email, "Confirmez votre adresse"))
    intruder = sign_up(new_browser(mail_stack), pix, email, first="Autre", last="Personne")
    assert intruder.status_code == 200
    assert "Consultez votre messagerie" in intruder.text
    link_from(catcher, email, "déjà utilisée")  # the owner is told, with a reset link
    assert users_with_email(mail_stack, email) == 1


def test_forgotten_password_reset_by_mail_once(mail_stack, catcher, pix):
    email, browser = unique_email("oubli"), new_browser(mail_stack)
    sign_up(browser, pix, email)
    open_link(browser, link_from(catcher, email, "Confirmez votre adresse"))
    visitor = new_browser(mail_stack)
    page = visitor.session.get(f"{pix}/mot-de-passe-oublie")
    sent = submit(visitor.session, page, "/mot-de-passe-oublie", email=email)
    unknown = submit(visitor.session, visitor.session.get(f"{pix}/mot-de-passe-oublie"),
                     "/mot-de-passe-oublie", email=unique_email("personne"))
    assert sent.status_code == unknown.status_code == 200
    assert "Consultez votre messagerie" in sent.text
    assert "Consultez votre messagerie" in unknown.text
    link = link_from(catcher, email, "nouveau mot de passe")
    done = open_link(visitor, link, password="Nouveau-mot-2", confirmation="Nouveau-mot-2")
    assert "Mot de passe enregistré" in done.text
    assert log_in(new_browser(mail_stack), pix, email).status_code == 401  # old one gone
    assert log_in(new_browser(mail_stack), pix, email, "Nouveau-mot-2").url == f"{pix}/profil"
    reused = open_link(new_browser(mail_stack), link, password="Encore-autre-3",
                       confirmation="Encore-autre-3")
    assert reused.status_code == 400


def test_refusals_weak_password_mismatch_bad_email_and_csrf(mail_stack, pix):
    browser = new_browser(mail_stack)
    weak = sign_up(browser, pix, unique_email(), password="motdepasse")
    assert weak.status_code == 400
    assert "Mot de passe trop faible" in weak.text
    page = browser.session.get(f"{pix}/inscription")
    differ = submit(browser.session, page, "/inscription", first_name="A", last_name="B",
                    email=unique_email(), password=PASSWORD, confirmation=PASSWORD + "x")
    assert differ.status_code == 400
    assert "Les mots de passe diffèrent" in differ.text
    bad = sign_up(browser, pix, "pas-une-adresse")
    assert bad.status_code == 400
    assert "Adresse e-mail invalide" in bad.text
    forged = browser.session.post(f"{pix}/inscription", data={
        "csrf_token": "faux", "first_name": "A", "last_name": "B", "email": unique_email(),
        "password": PASSWORD, "confirmation": PASSWORD})
    assert forged.status_code == 403


def test_password_change_needs_the_current_one(mail_stack, catcher, pix):
    email, browser = unique_email("change"), new_browser(mail_stack)
    sign_up(browser, pix, email)
    open_link(browser, link_from(catcher, email, "Confirmez votre adresse"))
    page = browser.session.get(f"{pix}/mon-compte/mot-de-passe")
    wrong = submit(browser.session, page, "/mon-compte/mot-de-passe", current="faux-faux-1",
                   password="Tout-nouveau-4", confirmation="Tout-nouveau-4")
    assert wrong.status_code == 400
    assert "Mot de passe actuel incorrect" in wrong.text
    done = submit(browser.session, page, "/mon-compte/mot-de-passe", current=PASSWORD,
                  password="Tout-nouveau-4", confirmation="Tout-nouveau-4")
    assert done.url == f"{pix}/mon-compte"
    assert log_in(new_browser(mail_stack), pix, email, "Tout-nouveau-4").url == f"{pix}/profil"


def test_login_attempts_are_limited_per_account(mail_stack, pix):
    email = unique_email("martele")
    statuses = [log_in(new_browser(mail_stack), pix, email, f"Essai-{n}-x").status_code
                for n in range(11)]
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429
