"""Personal data: a user downloads everything stored about them (JSON, no secrets);
``pixgar users anonymise`` erases names, e-mails and GAR pseudonyms in pix_core and in the
proxy's records and keeps anonymous statistics; ``pixgar users purge`` does it for GAR
accounts unused for N years, with a dry run; both leave an audit line without identifiers."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from pixgar.cli import main as pixgar
from tests.flows.accounts.conftest import link_from, new_browser, submit, unique_email
from tests.flows.accounts.test_email_accounts import PASSWORD, open_link
from tests.flows.accounts.test_keeping_the_profile import gar_login


def rows(stack, sql: str, **params):
    engine = sa.create_engine(stack.env["DATABASE_URL"])
    try:
        with engine.begin() as connection:
            result = connection.execute(sa.text(sql), params)
            return result.all() if result.returns_rows else []
    finally:
        engine.dispose()


def proxy_lookups(stack) -> int:
    return int(rows(stack, "SELECT count(*) FROM proxy_identifier_subjects")[0][0])


@pytest.fixture
def cli_env(mail_stack, monkeypatch):
    for name, value in mail_stack.env.items():
        monkeypatch.setenv(name, value)
    return mail_stack


def test_download_then_anonymise_in_pix_and_at_the_proxy(cli_env, catcher, capsys):
    stack, pix = cli_env, cli_env.env["PIX_BASE_URL"]
    pupil = gar_login(stack, "theo-martin-3a")
    email = unique_email("theo")
    submit(pupil.session, pupil.session.get(f"{pix}/mon-compte"), "/mon-compte/email",
           email=email, password=PASSWORD, confirmation=PASSWORD)
    open_link(new_browser(stack), link_from(catcher, email, "Confirmez l'ajout"))
    start = pupil.session.get(f"{pix}/competences/1.1/evaluation")
    started = submit(pupil.session, start, "/competences/1.1/evaluation")
    assert "/evaluations/" in started.url, started.url

    download = pupil.session.get(f"{pix}/mon-compte/donnees.json")
    assert download.headers["Content-Type"].startswith("application/json")
    assert "attachment" in download.headers["Content-Disposition"]
    data = download.json()
    assert data["identity"]["first_name"] == "Théo"
    assert data["identity"]["email"] == email
    assert sorted(m["type"] for m in data["login_methods"]) == ["GAR", "PIX"]
    assert "password_hash" not in download.text
    assert "external_identifier" not in download.text
    assert {"assessments", "answers", "campaign_participations", "organizations"} <= set(data)
    assert data["assessments"], "the evaluation started above is in the download"

    user_id = data["identity"]["id"]
    before = proxy_lookups(stack)
    capsys.readouterr()
    assert pixgar(["users", "anonymise", "--user", str(user_id)]) == 0
    audit = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert audit["audit"] == "anonymise"
    assert audit["accounts"] == 1
    assert audit["proxy_lookups_deleted"] == 1
    assert proxy_lookups(stack) == before - 1
    assert email not in json.dumps(audit)
    assert "Martin" not in json.dumps(audit)
    ((first, last, mail, anonymised),) = rows(
        stack, "SELECT first_name, last_name, email, anonymised_at FROM users WHERE id = :i",
        i=user_id)
    assert (first, last, mail) == ("", "", None)
    assert anonymised is not None
    assert rows(stack, "SELECT count(*) FROM authentication_methods WHERE user_id = :i",
                i=user_id)[0][0] == 0
    assert rows(stack, "SELECT count(*) FROM assessments WHERE user_id = :i",
                i=user_id)[0][0] >= 1  # statistics kept, tied to no one
    assert rows(stack, "SELECT action, accounts FROM account_audit ORDER BY id DESC")[0] == (
        "anonymise", 1)
    assert pupil.session.get(f"{pix}/mon-compte").url.endswith("/connexion")  # logged out
    again = gar_login(stack, "theo-martin-3a")  # a new pseudonym, a new, empty account
    fresh = again.session.get(f"{pix}/mon-compte/donnees.json").json()
    assert fresh["identity"]["id"] != user_id
    assert fresh["assessments"] == []


def test_anonymising_an_unknown_id_changes_nothing(cli_env, capsys):
    assert pixgar(["users", "anonymise", "--user", "999999"]) == 2
    assert "nothing was changed" in capsys.readouterr().err


def test_purge_of_unused_gar_accounts_with_a_dry_run(cli_env, capsys):
    stack = cli_env
    gar_login(stack, "theo-martin-3b")
    user_id = rows(stack, "SELECT user_id FROM authentication_methods WHERE "
                   "identity_provider = 'GAR' ORDER BY id DESC LIMIT 1")[0][0]
    old = datetime.now(UTC) - timedelta(days=4 * 366)
    rows(stack, "UPDATE authentication_methods SET last_logged_at = :t, created_at = :t "
         "WHERE user_id = :i", t=old, i=user_id)
    capsys.readouterr()
    assert pixgar(["users", "purge", "--unused-years", "3", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would be anonymised" in out
    assert str(user_id) in out
    assert rows(stack, "SELECT anonymised_at FROM users WHERE id = :i", i=user_id)[0][0] is None
    assert pixgar(["users", "purge", "--unused-years", "5"]) == 0  # not old enough
    assert rows(stack, "SELECT anonymised_at FROM users WHERE id = :i", i=user_id)[0][0] is None
    assert pixgar(["users", "purge", "--unused-years", "3"]) == 0
    audit = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert audit["audit"] == "purge"
    assert audit["accounts"] >= 1
    assert rows(stack, "SELECT anonymised_at FROM users WHERE id = :i",
                i=user_id)[0][0] is not None
    actions = [a for (a,) in rows(stack, "SELECT action FROM account_audit ORDER BY id")]
    assert "purge_dry_run" in actions
    assert "purge" in actions


def test_purge_needs_a_retention(cli_env, monkeypatch, capsys):
    monkeypatch.delenv("PIX_RETENTION_YEARS", raising=False)
    assert pixgar(["users", "purge"]) == 2
    assert "PIX_RETENTION_YEARS" in capsys.readouterr().err
