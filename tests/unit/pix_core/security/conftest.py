"""Attack suites for pix_core: a ``SecureWorld`` (PixWeb + in-memory fakes) and helpers."""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import Rule
from werkzeug.test import Client

from pix_core.app import URL_MAP, pix_web
from pix_core.orga.domain.memberships import Role
from pix_core.orga.usecases.upload_siecle_roster import UploadResult
from pix_core.shared.adapters.http.kit import WebConfig
from pix_core.shared.adapters.http.sessions import COOKIE_NAME
from pix_core.shared.adapters.http.web import PixWeb
from pix_core.shared.domain.rate_limit import InMemoryAttemptCounter, RateLimiter
from tests.unit.pix_core.accounts.fakes import FakeRelyingParty, InMemorySessionStore
from tests.unit.pix_core.campaigns.fakes import FakeCatalog
from tests.unit.pix_core.certification.fakes import CertificationUnitOfWork
from tests.unit.pix_core.orga.fakes import UAI

BASE = "https://localhost:8444"
ISSUER = "https://localhost:8443"
ADMIN_EMAIL, MEMBER_EMAIL, OUTSIDER_EMAIL = (
    "admin@exemple.fr", "membre@exemple.fr", "autre@exemple.fr")
PASSWORD = "correct horse"


def rules(method: str) -> list[Rule]:
    return [rule for rule in URL_MAP.iter_rules() if method in (rule.methods or ())]


PLACEHOLDERS = {"code": "ABCDEF123", "token": "invitation-token"}


def path_for(rule: Rule, uai: str = UAI) -> str:
    """A concrete path for ``rule``: ``<uai>`` is the test school, others placeholders."""
    values = {**PLACEHOLDERS, "uai": uai}

    def value(match: re.Match) -> str:
        if match.group(1) in ("int", "float"):
            return "1"
        return values.get(match.group(2), "x")

    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", value, rule.rule)


class SecureWorld:
    def __init__(self, clock) -> None:
        self.clock = clock
        self.uow = CertificationUnitOfWork()
        self.sessions = InMemorySessionStore()
        self.rp = FakeRelyingParty()
        self.counter = InMemoryAttemptCounter()
        self.uploads: list[tuple[str, str]] = []
        self.school = self.uow.school()
        self.other_school = self.uow.school(uai="0999999Z")
        self.admin = self.uow.teacher(ADMIN_EMAIL, PASSWORD, Role.ADMIN, self.school)
        self.member = self.uow.teacher(MEMBER_EMAIL, PASSWORD, Role.MEMBER, self.school)
        self.outsider = self.uow.teacher(OUTSIDER_EMAIL, PASSWORD, Role.ADMIN,
                                         self.other_school)
        self.web = self.make_web()
        self.client = Client(self.web)

    def make_web(self, counter=None) -> PixWeb:
        """Another "worker": same database and sessions, its own process memory."""
        return pix_web(
            WebConfig(base_url=BASE, issuer=ISSUER),
            relying_party=self.rp,
            unit_of_work=lambda: self.uow,
            sessions=self.sessions,
            clock=self.clock,
            importer_for=lambda uow: self.importer,
            limiter=RateLimiter(counter or self.counter, self.clock),
            catalog=FakeCatalog(),
        )

    def importer(self, organization, filename, stream):
        self.uploads.append((organization.uai, filename))
        return UploadResult(ok=True, created=1)

    # --- requests ----------------------------------------------------------------------

    def get(self, path, **kw):
        return self.client.get(path, base_url=BASE, **kw)

    def post(self, path, **kw):
        return self.client.post(path, base_url=BASE, **kw)

    def cookie(self) -> str | None:
        cookie = self.client.get_cookie(COOKIE_NAME, domain="localhost")
        return None if cookie is None else cookie.value

    def set_cookie(self, value: str) -> None:
        self.client.set_cookie(COOKIE_NAME, value, domain="localhost")

    def csrf(self, path: str) -> str:
        html = self.get(path).get_data(as_text=True)
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    def orga_login(self, email=ADMIN_EMAIL, password=PASSWORD, **kw):
        token = self.csrf("/orga/connexion")
        return self.post("/orga/connexion", data={
            "csrf_token": token, "email": email, "password": password}, **kw)

    def gar_login(self):
        start = self.get("/connexion/gar")
        state = start.location.rsplit("state=", 1)[1]
        return self.get("/connexion/oidc/callback",
                        query_string={"state": state, "code": "good-code"})

    def log_in_as(self, user, csrf: str = "tok") -> str:
        session_id = self.sessions.create({"user_id": user.id, "csrf": csrf}, self.clock())
        self.set_cookie(session_id)
        return session_id


@pytest.fixture
def world(clock) -> SecureWorld:
    return SecureWorld(clock)


def assert_french_error(response, status: int) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert '<html lang="fr">' in page
    assert "Référence de l'erreur" in page
    assert re.search(r"<code>[0-9A-F]{8}</code>", page)
