"""Authorisation on every organisation route of the URL map (``/orga/<uai>/...``):
anonymous → login, unknown UAI 404, non-member 403, member on admin routes 403, a GAR
pupil 403. A new ``<uai>`` route is picked up automatically and must be classified."""

from __future__ import annotations

import io

import pytest

from pix_core.app import URL_MAP
from tests.unit.pix_core.orga.fakes import UAI
from tests.unit.pix_core.security.conftest import assert_french_error, path_for

ORGA_ROUTES = [r for r in URL_MAP.iter_rules() if r.rule.startswith("/orga/<uai>")]
ADMIN_ONLY = {"orga_import", "orga_members"}  # others: any member
PUPIL_ROUTES = {"reconcile"}  # /organisations/<uai>/...: GAR accounts only
CASES = [(rule, method) for rule in ORGA_ROUTES for method in sorted(rule.methods or ())
         if method in ("GET", "POST")]


def _params(cases):
    return [pytest.param(*c, id=f"{c[1]} {c[0].rule}") for c in cases]


def test_every_uai_route_is_classified():
    with_uai = {r.endpoint for r in URL_MAP.iter_rules() if "<uai>" in r.rule}
    assert with_uai == {r.endpoint for r in ORGA_ROUTES} | PUPIL_ROUTES
    assert {"orga_roster", "orga_import"} <= {r.endpoint for r in ORGA_ROUTES}


def _request(world, rule, method, uai=UAI):
    data = {"csrf_token": "tok", "fichier": (io.BytesIO(b"<xml/>"), "eleves.xml")}
    if method == "POST":
        return world.post(path_for(rule, uai), data=data)
    return world.get(path_for(rule, uai))


@pytest.mark.parametrize(("rule", "method"), _params(CASES))
def test_anonymous_is_sent_to_the_login_page(world, rule, method):
    response = _request(world, rule, method)
    assert response.status_code == 303
    assert response.location == "/orga/connexion"


@pytest.mark.parametrize(("rule", "method"), _params(CASES))
def test_unknown_uai_is_404(world, rule, method):
    world.log_in_as(world.admin)
    assert_french_error(_request(world, rule, method, uai="0123456A"), 404)


@pytest.mark.parametrize(("rule", "method"), _params(CASES))
def test_a_member_of_another_organisation_is_refused(world, rule, method):
    world.log_in_as(world.outsider)  # ADMIN of the other school
    assert_french_error(_request(world, rule, method), 403)
    assert world.uploads == []


@pytest.mark.parametrize(("rule", "method"), _params(CASES))
def test_a_gar_pupil_is_refused(world, rule, method):
    world.log_in_as(world.uow.pupil())
    assert_french_error(_request(world, rule, method), 403)
    assert world.uploads == []


@pytest.mark.parametrize(("rule", "method"),
                         _params([c for c in CASES if c[0].endpoint in ADMIN_ONLY]))
def test_a_member_who_is_not_admin_is_refused_on_admin_routes(world, rule, method):
    world.log_in_as(world.member)
    assert_french_error(_request(world, rule, method), 403)
    assert world.uploads == []


def test_members_and_admins_do_get_in(world):
    """The refusals above are about who asks, not broken routes."""
    world.log_in_as(world.member)
    assert world.get(f"/orga/{UAI}/eleves").status_code == 200
    world.log_in_as(world.admin)
    assert world.get(f"/orga/{UAI}/import").status_code == 200


def test_reconciliation_is_for_gar_accounts_only(world):
    world.log_in_as(world.admin)
    assert_french_error(world.get(f"/organisations/{UAI}/avant-de-commencer"), 403)
