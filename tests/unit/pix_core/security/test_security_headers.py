"""Security headers on every response of the real stack (``create_app``): each GET route
of the URL map (anonymous and logged in), redirects, errors, 429 and static files."""

from __future__ import annotations

import re

import pytest
from werkzeug.test import Client

from kernel.sql.engine import make_engine
from pix_core.app import create_app
from pix_core.database.migrate import upgrade
from pix_core.database.unit_of_work import unit_of_work_factory
from pix_core.orga.usecases.add_organization_admin import add_organization_admin
from pix_core.settings import PixSettings
from tests.unit.pix_core.accounts.fakes import FakeClock, FakeRelyingParty
from tests.unit.pix_core.orga.fakes import UAI
from tests.unit.pix_core.security.conftest import BASE, PASSWORD, path_for, rules

EMAIL = "admin@exemple.fr"
GET_RULES = rules("GET")


def _directives(csp: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in csp.split(";")) if d}


def assert_security_headers(response) -> None:
    headers = response.headers
    csp = _directives(headers.get("Content-Security-Policy", ""))
    assert csp.get("default-src") == ["'none'"]
    for directive in ("script-src", "style-src"):  # script-src falls back to default-src
        sources = csp.get(directive, csp["default-src"])
        assert "'unsafe-inline'" not in sources
        assert "'unsafe-eval'" not in sources
        assert "*" not in sources
        assert "data:" not in sources
    assert csp.get("frame-ancestors") == ["'none'"]
    assert csp.get("base-uri") == ["'none'"]
    assert csp.get("form-action") == ["'self'"]
    assert headers.get("X-Content-Type-Options") == "nosniff"
    assert headers.get("Referrer-Policy") in ("same-origin", "no-referrer",
                                              "strict-origin-when-cross-origin")
    assert headers.get("X-Frame-Options") == "DENY"


@pytest.fixture
def app(tmp_path):
    settings = PixSettings.from_env({"PIX_CLIENT_SECRET": "s3cret",
                                     "PIXGAR_DATA_DIR": str(tmp_path)})
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    clock = FakeClock()
    with unit_of_work_factory(engine)() as uow:
        added = add_organization_admin(
            UAI, EMAIL, organizations=uow.organizations, users=uow.users,
            methods=uow.methods, memberships=uow.memberships, clock=clock,
            new_password=lambda: PASSWORD)
        uow.commit()
    assert added.temporary_password == PASSWORD
    yield create_app(settings, relying_party=FakeRelyingParty(), clock=clock)
    engine.dispose()


def _logged_in(client: Client) -> None:
    html = client.get("/orga/connexion", base_url=BASE).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    done = client.post("/orga/connexion", base_url=BASE, data={
        "csrf_token": token, "email": EMAIL, "password": PASSWORD})
    assert done.status_code == 303


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "logged-in"])
@pytest.mark.parametrize("rule", GET_RULES, ids=lambda rule: rule.rule)
def test_every_get_route_sends_the_security_headers(app, rule, logged_in):
    client = Client(app)
    if logged_in:
        _logged_in(client)
    response = client.get(path_for(rule), base_url=BASE)
    assert response.status_code < 600
    assert_security_headers(response)
    response.close()


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/static/pix.css", 200),
    ("GET", "/static/absent.css", 404),
    ("GET", "/nulle-part", 404),
    ("GET", "/deconnexion", 405),
    ("POST", "/deconnexion", 303),
    ("POST", "/orga/connexion", 403),
    ("GET", "/connexion/gar/initier?iss=https://ailleurs.example", 400),
    ("GET", "/connexion/oidc/callback?state=x&code=y", 401),
    ("GET", "/connexion/gar", 303),
])
def test_static_files_redirects_and_errors_send_them_too(app, method, path, status):
    response = Client(app).open(path, method=method, base_url=BASE)
    assert response.status_code == status
    assert_security_headers(response)
    response.close()


def test_the_429_page_sends_them_too(app):
    client = Client(app)
    for _ in range(11):
        html = client.get("/orga/connexion", base_url=BASE).get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        response = client.post("/orga/connexion", base_url=BASE, data={
            "csrf_token": token, "email": EMAIL, "password": "faux"})
    assert response.status_code == 429
    assert_security_headers(response)


def test_pages_have_no_inline_script_or_style(app):
    client = Client(app)
    _logged_in(client)
    for rule in GET_RULES:
        page = client.get(path_for(rule), base_url=BASE).get_data(as_text=True)
        assert not re.search(r"<script\b|<style\b|\sstyle=|\son\w+=", page, re.I), rule.rule
