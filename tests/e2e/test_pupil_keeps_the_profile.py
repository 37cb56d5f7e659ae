"""In Chromium, on the demo: a pupil logged in through the GAR adds an e-mail from "Mon
compte", opens the confirmation mail on the demo's mail page, and later logs in with it."""

from __future__ import annotations

import re
import secrets

import pytest

pytestmark = pytest.mark.e2e

PASSWORD = "Cahier-de-texte-7"


def test_pupil_adds_an_email_and_logs_in_with_it_later(demo, chromium):
    email = f"theo.{secrets.token_hex(3)}@exemple.fr"
    context = chromium.new_context(ignore_https_errors=True, locale="fr-FR")
    page = context.new_page()
    page.goto(demo["ENT_BASE_URL"] + "/mediacentre")
    page.select_option("#ent-user", "theo-martin-3b")
    page.click("#ent-login-submit")
    page.click("a#resource-link-pix")
    page.wait_for_url("**/profil", timeout=30_000)

    page.click("#nav-mon-compte")
    page.wait_for_url("**/mon-compte")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.fill("#confirmation", PASSWORD)
    page.click("text=Ajouter cette adresse")
    assert "Consultez votre messagerie" in page.inner_text("body")

    mailbox = context.new_page()
    link = None
    for _ in range(30):  # the mail leaves on a background thread
        mailbox.goto(demo["MAIL_CATCHER_BASE_URL"] + "/")
        found = re.search(r"https://\S+/mon-compte/email/confirmer\?jeton=[\w-]+",
                          mailbox.inner_text("body").split(email, 1)[-1] if email in
                          mailbox.inner_text("body") else "")
        if found:
            link = found.group(0)
            break
        mailbox.wait_for_timeout(500)
    assert link, "the confirmation mail is on the demo's mail page"
    mailbox.goto(link)
    mailbox.click("text=Je confirme")
    assert "Adresse e-mail confirmée" in mailbox.inner_text("body")
    context.close()

    later = chromium.new_context(ignore_https_errors=True, locale="fr-FR")  # no ENT any more
    page = later.new_page()
    page.goto(demo["PIX_BASE_URL"] + "/connexion")
    page.fill("#login", email)
    page.fill("#password", PASSWORD)
    page.click("text=Je me connecte")
    page.wait_for_url("**/profil", timeout=30_000)
    assert "Théo" in page.inner_text("body")
    later.close()
