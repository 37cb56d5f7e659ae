"""A pupil who came through the GAR keeps the profile: adds an e-mail from "Mon compte"
(confirmed by mail), then logs in with it without the ENT; a GAR login ties to an existing
e-mail account only with that account's password, never by itself."""

from __future__ import annotations

import sqlalchemy as sa

from tests.flows.accounts.conftest import link_from, new_browser, submit, unique_email
from tests.flows.accounts.test_email_accounts import PASSWORD, log_in, open_link, sign_up


def gar_login(stack, pupil: str):
    browser = new_browser(stack)
    profile = browser.post_saml(browser.click_pix(browser.open_mediacentre(pupil)))
    assert profile.url.endswith("/profil"), profile.url
    return browser


def query(stack, sql: str, **params):
    engine = sa.create_engine(stack.env["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(sql), params).all()
    finally:
        engine.dispose()


def methods_of(stack, first: str, last: str) -> list[tuple[int, str]]:
    return [tuple(row) for row in query(
        stack, "SELECT u.id, m.identity_provider FROM users u JOIN authentication_methods m "
        "ON m.user_id = u.id WHERE u.first_name = :f AND u.last_name = :l ORDER BY m.id",
        f=first, l=last)]


def test_a_gar_pupil_adds_an_email_and_later_logs_in_with_it(mail_stack, catcher):
    pix = mail_stack.env["PIX_BASE_URL"]
    pupil, email = gar_login(mail_stack, "noe-garcon"), unique_email("noe")
    account = pupil.session.get(f"{pix}/mon-compte")
    assert "Via l'ENT de mon établissement" in account.text
    sent = submit(pupil.session, account, "/mon-compte/email", email=email, password=PASSWORD,
                  confirmation=PASSWORD)
    assert "Consultez votre messagerie" in sent.text
    assert log_in(new_browser(mail_stack), pix, email).status_code == 401  # not yet confirmed
    confirmed = open_link(new_browser(mail_stack), link_from(catcher, email, "Confirmez l'ajout"))
    assert "Adresse e-mail confirmée" in confirmed.text

    later = new_browser(mail_stack)  # left the school: no ENT any more
    assert log_in(later, pix, email).url == f"{pix}/profil"
    mine = later.session.get(f"{pix}/mon-compte").text
    assert email in mine
    assert "Via l'ENT" in mine
    ((user_id, _), (same_id, provider)) = methods_of(mail_stack, "Noé", "Garçon")
    assert user_id == same_id
    assert provider == "PIX"
    again = gar_login(mail_stack, "noe-garcon").session.get(f"{pix}/mon-compte").text
    assert email in again  # the GAR still opens the same account

    second = submit(later.session, later.session.get(f"{pix}/mon-compte/mot-de-passe"),
                    "/mon-compte/mot-de-passe", current=PASSWORD, password="Autre-mot-9",
                    confirmation="Autre-mot-9")
    assert second.url == f"{pix}/mon-compte"


def test_a_gar_login_ties_to_an_email_account_only_with_its_password(mail_stack, catcher):
    pix = mail_stack.env["PIX_BASE_URL"]
    email, owner = unique_email("lea"), new_browser(mail_stack)
    sign_up(owner, pix, email, first="Léa", last="Lefèvre")  # the GAR's names, on purpose
    open_link(owner, link_from(catcher, email, "Confirmez votre adresse"))

    pupil = gar_login(mail_stack, "lea-lefevre")
    rows = methods_of(mail_stack, "Léa", "Lefèvre")
    assert len({user for user, _ in rows}) == 2  # same names: still two accounts
    account = pupil.session.get(f"{pix}/mon-compte")
    refused = submit(pupil.session, account, "/mon-compte/relier", login=email,
                     password="Pas-le-bon-1")
    assert refused.status_code == 401
    assert "Référence de l'erreur" in refused.text
    tied = submit(pupil.session, account, "/mon-compte/relier", login=email, password=PASSWORD)
    assert tied.url == f"{pix}/profil"
    rows = methods_of(mail_stack, "Léa", "Lefèvre")
    assert len({user for user, _ in rows}) == 1
    assert sorted(p for _, p in rows) == ["GAR", "PIX"]
    back = gar_login(mail_stack, "lea-lefevre").session.get(f"{pix}/mon-compte").text
    assert email in back


def test_adding_a_taken_address_tells_its_owner_and_changes_nothing(mail_stack, catcher):
    pix = mail_stack.env["PIX_BASE_URL"]
    email, owner = unique_email("prise"), new_browser(mail_stack)
    sign_up(owner, pix, email, first="Autre", last="Personne")
    open_link(owner, link_from(catcher, email, "Confirmez votre adresse"))
    pupil = gar_login(mail_stack, "chloe-benoit")
    sent = submit(pupil.session, pupil.session.get(f"{pix}/mon-compte"), "/mon-compte/email",
                  email=email, password=PASSWORD, confirmation=PASSWORD)
    assert "Consultez votre messagerie" in sent.text
    link_from(catcher, email, "déjà utilisée")
    assert [p for _, p in methods_of(mail_stack, "Chloé", "Benoît")] == ["GAR"]


def test_account_pages_need_a_login(mail_stack):
    pix = mail_stack.env["PIX_BASE_URL"]
    anonymous = new_browser(mail_stack)
    page = anonymous.session.get(f"{pix}/mon-compte")
    assert page.url == f"{pix}/connexion"
    posted = anonymous.session.post(f"{pix}/mon-compte/relier", data={"login": "x"})
    assert posted.status_code in (403, 200)
    assert "Relier" not in posted.text
