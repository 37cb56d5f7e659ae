"""Session cookie attributes, and a new session id at every login (no fixation)."""

from __future__ import annotations

import pytest

from pix_core.shared.adapters.http.sessions import COOKIE_NAME
from tests.unit.pix_core.security.conftest import ADMIN_EMAIL, PASSWORD, SecureWorld


def _session_set_cookies(response) -> list[str]:
    return [v for v in response.headers.getlist("Set-Cookie")
            if v.split("=", 1)[0].strip() == COOKIE_NAME]


def assert_hardened(header: str) -> None:
    parts = [p.strip() for p in header.split(";")]
    attributes = {p.split("=", 1)[0].lower(): p.split("=", 1)[-1] for p in parts[1:]}
    assert parts[0].startswith("__Host-")
    assert "secure" in attributes
    assert "httponly" in attributes
    assert attributes.get("samesite") == "Lax"
    assert attributes.get("path") == "/"
    assert "domain" not in attributes  # required by the __Host- prefix


def _responses_setting_the_cookie(world: SecureWorld):
    yield world.get("/connexion/gar")              # anonymous login start
    yield world.gar_login()                         # GAR login
    yield world.post("/deconnexion", data={"csrf_token": world.csrf("/profil")})  # logout
    world.client.delete_cookie(COOKIE_NAME, domain="localhost")
    yield world.get("/orga/connexion")             # anonymous form session
    yield world.orga_login()                        # Pix Orga login


def test_every_session_cookie_is_secure_httponly_lax_and_host_prefixed(world):
    seen = 0
    for response in _responses_setting_the_cookie(world):
        for header in _session_set_cookies(response):
            assert_hardened(header)
            seen += 1
    assert seen == 5


def test_gar_login_gives_a_new_session_id_and_kills_the_old_one(world):
    world.get("/connexion/gar")
    before = world.cookie()
    assert before in world.sessions.rows
    world.gar_login()
    after = world.cookie()
    assert after not in (None, before)
    assert before not in world.sessions.rows
    assert world.get("/profil").status_code == 200
    world.set_cookie(before)  # the attacker's planted (pre-login) id
    assert world.get("/profil").status_code == 303


def test_orga_login_gives_a_new_session_id_and_kills_the_old_one(world):
    world.get("/orga/connexion")
    before = world.cookie()
    old_token = world.csrf("/orga/connexion")
    assert world.orga_login().status_code == 303
    after = world.cookie()
    assert after not in (None, before)
    assert before not in world.sessions.rows
    assert world.get("/orga").status_code == 200
    world.set_cookie(before)
    assert world.get("/orga").location == "/orga/connexion"
    world.set_cookie(after)  # and the pre-login CSRF token is worthless now
    response = world.post("/deconnexion", data={"csrf_token": old_token})
    assert response.status_code == 403


@pytest.mark.parametrize("login", ["gar", "orga"])
def test_logging_in_again_over_a_logged_in_session_also_renews_it(world, login):
    world.log_in_as(world.uow.pupil() if login == "gar" else world.admin)
    before = world.cookie()
    world.gar_login() if login == "gar" else world.orga_login(ADMIN_EMAIL, PASSWORD)
    assert world.cookie() != before
    assert before not in world.sessions.rows


def test_logout_deletes_the_session_server_side(world):
    session_id = world.log_in_as(world.uow.pupil())
    response = world.post("/deconnexion", data={"csrf_token": "tok"})
    assert response.status_code == 303
    assert session_id not in world.sessions.rows
    [header] = _session_set_cookies(response)
    assert "Max-Age=0" in header or "expires=Thu, 01 Jan 1970" in header
    world.set_cookie(session_id)
    assert world.get("/profil").status_code == 303
