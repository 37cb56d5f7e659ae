"""A simulated ENT (school digital workspace) with its médiacentre (development and tests only).

It looks like the ENT of the seed slides: a left menu, a user picker ("Se connecter en
tant que", kept in the ENT's own cookie) and the médiacentre listing resource cards.
Clicking a card goes to the simulated GAR entry ``{GAR_SIM_BASE_URL}/gar/acces/<id>``.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode, urlsplit

from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from gar_sim.settings import SimSettings
from gar_sim.users import SCHOOL_NAME, SCHOOL_UAI, USERS, GarUser, get_user
from gar_sim.web import SECURITY_HEADERS, CookieSigner, render, static_response

logger = logging.getLogger(__name__)

ENT_COOKIE = "ent_sim_user"

MENU_ITEMS = (
    "Messagerie",
    "Cahier de textes",
    "Absences",
    "Évaluations",
    "Rubriques",
    "Bureautique en ligne",
    "Carnet de liaison",
    "Moodle",
)
MENU_SECTIONS = (
    "ÉTABLISSEMENT",
    "RESSOURCES NUMÉRIQUES",
    "SERVICES PERSONNELS",
    "SCOLARITÉ",
    "PUBLICATION",
    "SERVICES ÉTABLISSEMENT",
)
RESOURCE_LINKS = ("Portail", "Le livre scolaire", "Lire l'actu")
MENU_SECTIONS_AFTER = ("ESPACE DES CLASSES", "RACCOURCIS")


class EntApp:
    """The simulated ENT's WSGI application."""

    def __init__(self, settings: SimSettings) -> None:
        self.settings = settings
        self.signer = CookieSigner(settings.data_dir / "gar_sim" / "ent-secret")
        prefix = urlsplit(settings.ent_base_url).path.rstrip("/")
        self.prefix = prefix
        self.url_map = Map(
            [
                Rule(f"{prefix}/", endpoint="home"),
                Rule(f"{prefix}/mediacentre", endpoint="mediacentre"),
                Rule(f"{prefix}/connexion", endpoint="login", methods=["POST"]),
                Rule(f"{prefix}/deconnexion", endpoint="logout", methods=["POST"]),
                Rule(f"{prefix}/static/<name>", endpoint="static"),
            ]
        )

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            endpoint, values = adapter.match()
            response = getattr(self, f"on_{endpoint}")(request, **values)
        except NotFound:
            response = Response(
                "Page introuvable", status=404, content_type="text/plain; charset=utf-8"
            )
        except HTTPException as exc:
            response = exc.get_response(environ)
        return response(environ, start_response)

    # -- helpers

    def _user(self, request: Request) -> GarUser | None:
        user_id = self.signer.loads(request.cookies.get(ENT_COOKIE))
        return get_user(user_id) if user_id else None

    def _page(self, template: str, request: Request, **context: Any) -> Response:
        user = self._user(request)
        return render(
            template,
            ent=self.prefix,
            gar=self.settings.base_url,
            user=user,
            users=USERS,
            school_name=SCHOOL_NAME,
            school_uai=SCHOOL_UAI,
            menu_items=MENU_ITEMS,
            menu_sections=MENU_SECTIONS,
            resource_links=RESOURCE_LINKS,
            menu_sections_after=MENU_SECTIONS_AFTER,
            **context,
        )

    def gar_link(self, resource_id: str, user: GarUser | None, mode: str = "sp") -> str:
        params: dict[str, str] = {}
        if user is not None:
            params["user"] = user.user_id
        if mode != "sp":
            params["mode"] = mode
        query = f"?{urlencode(params)}" if params else ""
        return f"{self.settings.base_url}/gar/acces/{resource_id}{query}"

    # -- pages

    def on_home(self, request: Request) -> Response:
        return self._page("ent_home.html", request, active="accueil")

    def on_mediacentre(self, request: Request) -> Response:
        user = self._user(request)
        cards = [
            {
                "resource": resource,
                "href": self.gar_link(resource.resource_id, user),
                "unsolicited_href": (
                    self.gar_link(resource.resource_id, user, mode="unsolicited")
                    if resource.sp_entity_id
                    else None
                ),
            }
            for resource in self.settings.resources
        ]
        return self._page("ent_mediacentre.html", request, active="mediacentre", cards=cards)

    def on_login(self, request: Request) -> Response:
        user = get_user(request.form.get("user", ""))
        if user is None:
            return Response(
                "Utilisateur inconnu", status=400, content_type="text/plain; charset=utf-8"
            )
        target = request.form.get("next", "mediacentre")
        path = f"{self.prefix}/mediacentre" if target == "mediacentre" else f"{self.prefix}/"
        response = redirect(path, code=303)
        response.headers.update(SECURITY_HEADERS)
        response.set_cookie(
            ENT_COOKIE,
            self.signer.dumps(user.user_id),
            path=self.prefix or "/",
            secure=self.settings.ent_base_url.startswith("https://"),
            httponly=True,
            samesite="Lax",
        )
        logger.info("ENT: test user selected")
        return response

    def on_logout(self, request: Request) -> Response:
        response = redirect(f"{self.prefix}/", code=303)
        response.delete_cookie(
            ENT_COOKIE,
            path=self.prefix or "/",
            secure=self.settings.ent_base_url.startswith("https://"),
            httponly=True,
            samesite="Lax",
        )
        return response

    def on_static(self, request: Request, name: str) -> Response:
        return static_response(name)


def create_ent_app(settings: SimSettings) -> EntApp:
    """The simulated ENT médiacentre as a WSGI application (development and tests only)."""
    return EntApp(settings)
