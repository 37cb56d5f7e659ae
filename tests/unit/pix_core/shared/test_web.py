"""The web kit: one URL map and one error table from every context, French error pages,
no inline script or style."""

import re

import pytest
from werkzeug import Response
from werkzeug.routing import Rule
from werkzeug.test import Client

from pix_core.accounts.domain.errors import AuthenticationFailed
from pix_core.app import URL_MAP, pix_web
from pix_core.shared.adapters.http.errors import (
    INTERNAL_ERROR,
    SHARED_ERROR_PAGES,
    ErrorPage,
    ErrorTable,
)
from pix_core.shared.adapters.http.kit import WebConfig
from pix_core.shared.adapters.http.sessions import COOKIE_NAME
from pix_core.shared.adapters.http.web import PixWeb
from tests.unit.pix_core.accounts.fakes import (
    FakeRelyingParty,
    InMemorySessionStore,
    InMemoryUnitOfWork,
)
from tests.unit.pix_core.accounts.test_account_pages import World


@pytest.fixture
def world(clock):
    return World(clock)


def web(clock):
    return pix_web(WebConfig("https://localhost:8444", "https://localhost:8443"),
                   relying_party=FakeRelyingParty(), unit_of_work=InMemoryUnitOfWork,
                   sessions=InMemorySessionStore(), clock=clock)


def test_the_app_serves_every_context_s_routes_and_only_them(clock):
    served = {(r.rule, r.endpoint) for r in web(clock).url_map.iter_rules()}
    assert served == {(r.rule, r.endpoint) for r in URL_MAP.iter_rules()}
    endpoints = {endpoint for _, endpoint in served}
    assert {"callback", "orga_import", "assessment", "campaign"} <= endpoints


def test_an_endpoint_declared_twice_stops_the_start(clock):
    class Twice:
        rules = (Rule("/autre-profil", endpoint="profile"),)

        def on_profile(self, request):
            raise AssertionError

    kit = web(clock).kit
    with pytest.raises(ValueError, match="profile"):
        PixWeb(kit, [Twice(), Twice()])


def test_the_error_table_merges_contexts_and_refuses_an_error_mapped_twice():
    page = ErrorPage(401, "t", "m")
    table = ErrorTable({AuthenticationFailed: page})
    assert table.page_for(AuthenticationFailed("state_unknown")) is page
    assert table.page_for(RuntimeError()) is INTERNAL_ERROR
    assert set(SHARED_ERROR_PAGES) <= set(table.pages)
    with pytest.raises(ValueError, match="AuthenticationFailed"):
        ErrorTable({AuthenticationFailed: page}, {AuthenticationFailed: page})


def test_pages_have_no_inline_script_or_style_and_a_strict_csp(world):
    world.log_in()
    for path in ("/", "/profil", "/nulle-part"):
        html = world.get(path).get_data(as_text=True)
        assert "<script" not in html
        assert "style=" not in html
        assert "<style" not in html
    csp = world.get("/").headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "unsafe-inline" not in csp


def test_unknown_route_is_a_french_404(world):
    response = world.get("/nulle-part")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Page introuvable" in html
    assert '<html lang="fr">' in html
    assert re.search(r"Référence de l'erreur : <code>[0-9A-F]{8}</code>", html)


def test_unexpected_errors_are_a_french_500(world, caplog):
    def boom(*_args, **_kwargs):
        raise RuntimeError("kaboom")

    world.rp.begin = boom
    response = world.get("/connexion/gar")
    assert response.status_code == 500
    assert "Une erreur est survenue" in response.get_data(as_text=True)


class _MembersOnly:
    """Two pages for logged-in visitors: one sends anonymous ones to a login page, the
    other starts a GAR login that comes back to it."""

    rules = (Rule("/membres", endpoint="members"), Rule("/parcours-prive", endpoint="journey"))

    def __init__(self, kit):
        self.kit = kit

    def on_members(self, request):
        _, _, user_id = self.kit.signed_in(request, otherwise="/orga/connexion")
        return Response(f"membre {user_id}")

    def on_journey(self, request):
        _, _, user_id = self.kit.signed_in(request, login_then="/parcours-prive")
        return Response(f"parcours {user_id}")


def test_a_page_for_logged_in_visitors_sends_an_anonymous_one_to_log_in(clock):
    kit = web(clock).kit
    client = Client(PixWeb(kit, [_MembersOnly(kit)]))

    to_login = client.get("/membres")
    assert to_login.status_code == 303
    assert to_login.headers["Location"] == "/orga/connexion"
    assert to_login.headers["Content-Security-Policy"]  # answered by dispatch, as any page
    started = client.get("/parcours-prive")
    assert started.status_code in (302, 303)
    assert started.headers["Location"].startswith("https://localhost:8443")  # the GAR login

    session_id = kit.sessions.create({"user_id": 7, "csrf": "x"}, clock())
    client.set_cookie(COOKIE_NAME, session_id, domain="localhost")
    assert client.get("/membres").get_data(as_text=True) == "membre 7"
    assert client.get("/parcours-prive").get_data(as_text=True) == "parcours 7"
