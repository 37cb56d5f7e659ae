"""A whole stack whose pix_core mails through a real SMTP server on loopback (aiosmtpd),
on SQLite and on PostgreSQL; helpers to fill forms and read the mails."""

from __future__ import annotations

import os
import re
import secrets

import pytest
import sqlalchemy as sa

from pixgar.mail_catcher import MailCatcher, links_in
from tests.flows.conftest import Browser, _dispose_engines_of, make_stack
from tests.support.browsing import forms_of
from tests.support.wsgi_transport import routed_session


@pytest.fixture(scope="module")
def catcher():
    server = MailCatcher().start()
    yield server
    server.stop()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def mail_stack(request, tmp_path_factory, redis_url, catcher):
    smtp = {"SMTP_URL": f"smtp://127.0.0.1:{catcher.port}"}
    if request.param == "sqlite":
        yield make_stack(tmp_path_factory.mktemp("mailstack"), redis_url, **smtp)
        return
    from proxy.stores.database import dispose_engines

    admin_url = os.environ.get("PIXGAR_TEST_POSTGRES_URL",
                               "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    name = f"pixgar_accounts_{secrets.token_hex(4)}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    yield make_stack(tmp_path_factory.mktemp("pgmailstack"), redis_url, DATABASE_URL=url, **smtp)
    dispose_engines()
    _dispose_engines_of(name)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pix(mail_stack) -> str:
    return mail_stack.env["PIX_BASE_URL"]


@pytest.fixture
def visitor(mail_stack):
    """A fresh browser on the stack."""
    return Browser(mail_stack, *routed_session(dict(mail_stack.apps)))


def new_browser(stack) -> Browser:
    return Browser(stack, *routed_session(dict(stack.apps)))


def unique_email(prefix: str = "eleve") -> str:
    return f"{prefix}.{secrets.token_hex(4)}@exemple.fr"


def submit(session, page, action: str, **fields):
    """Post the form of ``page`` whose action starts with ``action``, with ``fields``."""
    found = next(f for f in forms_of(page.text) if f["action"].startswith(action))
    url = found["action"]
    if url.startswith("/"):
        origin = "/".join(page.url.split("/", 3)[:3])
        url = origin + url
    return session.post(url, data={**found["fields"], **fields})


def link_from(catcher: MailCatcher, to: str, subject: str, timeout: float = 20.0) -> str:
    """The link of the mail to ``to`` whose subject contains ``subject`` (waited for)."""
    message = catcher.wait_for(lambda m: m["To"] == to and subject in str(m["Subject"]),
                               timeout)
    (link,) = links_in(message)
    return link


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)
