"""CSRF: every POST route of the URL map refuses a missing or wrong token (403, French
page, nothing changed). A new POST route is picked up by ``rules("POST")`` automatically."""

from __future__ import annotations

import io
import re

import pytest

from pix_core.accounts.domain.users import AuthenticationMethod, SchoolContext
from tests.unit.pix_core.accounts.fakes import NOW
from tests.unit.pix_core.orga.fakes import BIRTH, UAI
from tests.unit.pix_core.security.conftest import SecureWorld, assert_french_error, path_for, rules

CSRF_EXEMPT = {
    # OIDC Core §4 third-party initiated login: the GAR side posts it cross-site by
    # design, so no token can exist. It only *starts* a login (a pending state and a
    # redirect to the proxy); nothing is logged in or changed until the callback, whose
    # state is bound to this browser's session.
    "initiate_login": "third-party initiated login (starts a login only)",
}
POST_RULES = [rule for rule in rules("POST") if rule.endpoint not in CSRF_EXEMPT]


def _everything_form(token: str | None) -> dict:
    """Fields of every form: a route that skipped the check would act on them."""
    data = {"email": "admin@exemple.fr", "password": "correct horse", "nom": "Dupont",
            "prenom": "Flora", "jour": "14", "mois": "03", "annee": "2010",
            "fichier": (io.BytesIO(b"<xml/>"), "eleves.xml")}
    if token is not None:
        data["csrf_token"] = token
    return data


def _logged_in_everywhere(world: SecureWorld) -> tuple[str, int]:
    """The school's admin, who also came through the GAR (so "Avant de commencer"
    would act), with a learner to tie; returns the session id and the learner id."""
    school = SchoolContext(uai=(UAI,), profiles=("National_elv",))
    world.uow.methods.add(AuthenticationMethod.for_gar(world.admin.id, "sub-a", school, NOW))
    learner = world.uow.learners.put(world.school.id, "123456789AB", "Flora", "Dupont", BIRTH)
    return world.log_in_as(world.admin, csrf="the-real-token"), learner.id


def test_the_post_routes_are_known():
    """Adding a POST route is fine (the tests below cover it); exempting one is a review."""
    endpoints = {rule.endpoint for rule in rules("POST")}
    assert {"logout", "orga_login", "orga_import", "reconcile"} <= endpoints
    assert set(CSRF_EXEMPT) <= endpoints


@pytest.mark.parametrize("token", [None, "", "wrong-token"], ids=["missing", "empty", "wrong"])
@pytest.mark.parametrize("rule", POST_RULES, ids=lambda rule: rule.endpoint)
def test_every_post_route_refuses_a_missing_or_wrong_csrf_token(world, rule, token):
    session_id, learner_id = _logged_in_everywhere(world)
    sessions_before = {k: v[0] for k, v in world.sessions.rows.items()}
    commits = world.uow.commits

    response = world.post(path_for(rule), data=_everything_form(token))

    assert_french_error(response, 403)
    assert "Action refusée" in response.get_data(as_text=True)
    assert {k: v[0] for k, v in world.sessions.rows.items()} == sessions_before
    assert world.cookie() == session_id  # not logged out, not logged in as someone else
    assert world.uploads == []
    assert world.uow.learners.rows[learner_id].user_id is None
    assert world.uow.commits == commits


@pytest.mark.parametrize("rule", POST_RULES, ids=lambda rule: rule.endpoint)
def test_a_token_from_another_session_is_refused(world, rule):
    _, learner_id = _logged_in_everywhere(world)
    other = SecureWorld(world.clock)
    stolen = other.csrf("/orga/connexion")  # a valid token, of the attacker's session
    response = world.post(path_for(rule), data=_everything_form(stolen))
    assert_french_error(response, 403)
    assert world.uploads == []
    assert world.uow.learners.rows[learner_id].user_id is None


def test_orga_login_without_a_session_is_refused(world):
    """Login CSRF: a cross-site POST carries no session, hence no token to match."""
    response = world.post("/orga/connexion", data={
        "csrf_token": "", "email": "admin@exemple.fr", "password": "correct horse"})
    assert_french_error(response, 403)
    assert world.cookie() is None
    assert world.sessions.rows == {}


def test_logout_without_the_token_keeps_the_user_logged_in(world):
    world.log_in_as(world.uow.pupil())
    assert_french_error(world.post("/deconnexion"), 403)
    assert world.get("/profil").status_code == 200


def test_with_the_right_token_each_form_works(world):
    """The refusals above are about the token, not a broken route."""
    session_id, learner_id = _logged_in_everywhere(world)
    data = _everything_form("the-real-token")
    assert world.post(f"/orga/{UAI}/import", data=data).status_code == 200
    assert world.uploads == [(UAI, "eleves.xml")]
    assert world.post(f"/organisations/{UAI}/avant-de-commencer",
                      data=_everything_form("the-real-token")).status_code == 200
    assert world.uow.learners.rows[learner_id].user_id == world.admin.id
    assert world.post("/deconnexion", data={"csrf_token": "the-real-token"}).status_code == 303
    assert session_id not in world.sessions.rows


def test_the_exempt_initiation_post_logs_nobody_in(world):
    response = world.post("/connexion/gar/initier", data={"iss": "https://localhost:8443"})
    assert response.status_code == 303
    assert response.location.startswith(world.rp.authorization_endpoint)
    [(_, data, )] = [(k, v[0]) for k, v in world.sessions.rows.items()]
    assert "user_id" not in data


@pytest.mark.parametrize("path", ["/", "/profil", "/orga", "/orga/connexion",
                                  f"/orga/{UAI}/import", f"/orga/{UAI}/eleves",
                                  f"/organisations/{UAI}/avant-de-commencer"])
def test_every_rendered_post_form_carries_the_session_token(world, path):
    _logged_in_everywhere(world)
    world.uow.learners.rows.clear()  # keep "Avant de commencer" on its form
    world.uow.organizations.mark_imported(world.school.id, NOW)
    world.uow.learners.put(world.school.id, "123456789AC", "Léo", "Martin", BIRTH)
    page = world.get(path).get_data(as_text=True)
    forms = re.findall(r"<form\b[^>]*>.*?</form>", page, flags=re.S | re.I)
    posts = [f for f in forms if re.search(r'method="post"', f, re.I)]
    assert posts, f"no POST form on {path}"
    for form in posts:
        assert re.search(r'name="csrf_token" value="the-real-token"', form), form
