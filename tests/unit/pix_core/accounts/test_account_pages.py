"""The web app with the OIDC adapter replaced by a fake (no proxy involved)."""

import logging
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.test import Client

from pix_core.app import pix_web
from pix_core.shared.adapters.http.kit import WebConfig
from pix_core.shared.adapters.http.sessions import COOKIE_NAME
from tests.unit.pix_core.accounts.fakes import (
    FakeRelyingParty,
    InMemorySessionStore,
    InMemoryUnitOfWork,
)

BASE = "https://localhost:8444"
ISSUER = "https://localhost:8443"


class World:
    def __init__(self, clock):
        self.rp = FakeRelyingParty()
        self.uow = InMemoryUnitOfWork()
        self.sessions = InMemorySessionStore()
        self.web = pix_web(
            WebConfig(base_url=BASE, issuer=ISSUER),
            relying_party=self.rp,
            unit_of_work=lambda: self.uow,
            sessions=self.sessions,
            clock=clock,
        )
        self.client = Client(self.web)

    def get(self, path, **kw):
        return self.client.get(path, base_url=BASE, **kw)

    def post(self, path, **kw):
        return self.client.post(path, base_url=BASE, **kw)

    def start_login(self):
        response = self.get("/connexion/gar")
        assert response.status_code == 303
        return parse_qs(urlsplit(response.location).query)["state"][0]

    def log_in(self):
        state = self.start_login()
        return self.get(f"/connexion/oidc/callback?state={state}&code=good-code")

    def cookie(self):
        cookie = self.client.get_cookie(COOKIE_NAME, domain="localhost")
        return None if cookie is None else cookie.value


@pytest.fixture
def world(clock):
    return World(clock)


def test_home_offers_the_gar_login_in_french(world):
    response = world.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="fr">' in page
    assert "Se connecter via le GAR / l'ENT" in page
    assert 'href="/connexion/gar"' in page


def test_login_redirects_to_the_proxy_and_keeps_the_state_in_a_secure_session(world):
    response = world.get("/connexion/gar")
    assert response.status_code == 303
    assert response.location.startswith(FakeRelyingParty.authorization_endpoint)
    set_cookie = response.headers["Set-Cookie"]
    assert set_cookie.startswith(COOKIE_NAME + "=")
    for attribute in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert attribute in set_cookie
    [(hint, pending)] = world.rp.begun
    [(data, _)] = world.sessions.rows.values()
    assert data["pending"][pending.state]["nonce"] == pending.nonce
    assert data["pending"][pending.state]["code_verifier"] == pending.code_verifier
    assert hint is None


def test_successful_callback_creates_the_account_and_shows_the_profile(world):
    world.get("/connexion/gar")
    before = world.cookie()
    response = world.log_in()
    assert response.status_code == 303
    assert response.location == "/profil"
    assert world.cookie() not in (None, before)  # renewed at login
    assert before not in world.sessions.rows
    assert len(world.uow.users.rows) == 1
    assert world.uow.commits == 1

    page = world.get("/profil")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="fr">' in html
    assert re.search(r"<h1[^>]*>\s*Flora Dupont\s*</h1>", html)
    assert "Vous avez 16 compétences à tester. On se concentre et c'est parti !" in html
    assert '<span class="score-value">0</span>' in html
    assert '<span class="score-max">1024</span>' in html
    assert html.count("Niveau 0") == 16
    assert "1.1 Mener une recherche et une veille d&#39;information" in html
    assert "5.2 Construire un environnement numérique" in html
    for area in ("Information et données", "Protection et sécurité", "Environnement numérique"):
        assert area in html
    assert page.headers["Cache-Control"] == "no-store"


def test_names_are_escaped(world):
    world.rp.identity = type(world.rp.identity)("x", "<b>Jo</b>", "Doe")
    world.log_in()
    html = world.get("/profil").get_data(as_text=True)
    assert "<b>Jo</b>" not in html
    assert "&lt;b&gt;Jo&lt;/b&gt;" in html


def test_bad_state_gives_a_french_error_with_reference_and_creates_nothing(world, caplog):
    world.start_login()
    caplog.set_level(logging.INFO)
    response = world.get("/connexion/oidc/callback?state=forged&code=good-code")
    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "La connexion a échoué" in html
    reference = re.search(r"<code>([0-9A-F]{8})</code>", html).group(1)
    assert reference in caplog.text
    assert "state_unknown" in caplog.text
    assert world.uow.users.rows == {}


def test_op_error_is_a_4xx_error_page(world, caplog):
    state = world.start_login()
    response = world.get(f"/connexion/oidc/callback?state={state}&error=access_denied")
    assert response.status_code == 401
    assert world.uow.users.rows == {}


def test_a_state_is_good_for_one_try_only(world):
    state = world.start_login()
    assert world.get(f"/connexion/oidc/callback?state={state}&code=bad").status_code == 401
    again = world.get(f"/connexion/oidc/callback?state={state}&code=good-code")
    assert again.status_code == 401
    assert world.uow.users.rows == {}


def test_a_failed_login_shows_its_own_error_even_when_its_state_cannot_be_consumed(
        world, caplog):
    state = world.start_login()

    def database_down(*_args):
        raise OSError("database down")

    world.sessions.save = database_down
    response = world.get(f"/connexion/oidc/callback?state={state}&code=bad")

    assert response.status_code == 401  # the login's refusal, not the session store's error
    assert "could not be consumed: OSError" in caplog.text


def test_a_login_replaces_the_visitor_session_with_its_pending_states(world):
    state = world.start_login()
    before = set(world.sessions.rows)
    assert world.get(f"/connexion/oidc/callback?state={state}&code=good-code").status_code == 303
    assert before.isdisjoint(world.sessions.rows)  # a new id; the old one, its state, gone
    assert len(world.sessions.rows) == 1


def test_login_started_twice_in_two_tabs_finishes_in_either(world):
    first = world.start_login()
    world.start_login()
    response = world.get(f"/connexion/oidc/callback?state={first}&code=good-code")
    assert response.status_code == 303


def test_logs_never_contain_names_or_sub(world, caplog):
    caplog.set_level(logging.DEBUG)
    world.log_in()
    world.get("/profil")
    assert "Flora" not in caplog.text
    assert "pseudo-123" not in caplog.text
    assert "GAR login succeeded" in caplog.text


def test_logout_needs_the_csrf_token(world):
    world.log_in()
    refused = world.post("/deconnexion", data={"csrf_token": "wrong"})
    assert refused.status_code == 403
    assert world.get("/profil").status_code == 200

    html = world.get("/profil").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    response = world.post("/deconnexion", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.location == "/"
    assert world.cookie() is None
    assert world.sessions.rows == {}
    assert world.get("/profil").status_code == 303


def test_logout_is_post_only(world):
    assert world.get("/deconnexion").status_code == 405


def test_third_party_initiated_login_passes_the_login_hint(world):
    response = world.post(
        "/connexion/gar/initier",
        data={"iss": ISSUER, "target_link_uri": f"{BASE}/profil", "login_hint": "hint-1"},
    )
    assert response.status_code == 303
    assert world.rp.begun[0][0] == "hint-1"


@pytest.mark.parametrize(
    ("target", "landing"),
    [(f"{BASE}/", "/profil"), (BASE, "/profil"), (f"{BASE}/profil?x=1", "/profil?x=1")],
)
def test_third_party_login_returns_to_the_target(world, target, landing):
    state_url = world.get(
        "/connexion/gar/initier", query_string={"iss": ISSUER, "target_link_uri": target}
    ).location
    state = parse_qs(urlsplit(state_url).query)["state"][0]
    done = world.get(f"/connexion/oidc/callback?state={state}&code=good-code")
    assert done.location == landing


@pytest.mark.parametrize(
    "params",
    [
        {"iss": "https://evil.example", "target_link_uri": f"{BASE}/profil"},
        {"target_link_uri": f"{BASE}/profil"},
        {"iss": ISSUER, "target_link_uri": "https://evil.example/profil"},
        {"iss": ISSUER, "target_link_uri": "https://localhost:8444.evil.example/"},
        {"iss": ISSUER, "target_link_uri": f"{BASE}//evil.example/"},
    ],
)
def test_third_party_login_refuses_foreign_issuers_and_open_redirects(world, params):
    response = world.get("/connexion/gar/initier", query_string=params)
    assert response.status_code == 400
    assert "Connexion refusée" in response.get_data(as_text=True)
    assert world.rp.begun == []
