"""The WSGI application: URL map → ``on_<endpoint>`` → Response (Werkzeug's shortly shape)."""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader
from werkzeug import Request, Response
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.utils import redirect
from werkzeug.wsgi import ClosingIterator

from kernel.clock import Clock
from kernel.request_id import adopt_request_id, current_request_id
from pix_core.adapters.http.campaign_web import CAMPAIGN_RULES, CampaignPages, EmptyCatalog
from pix_core.adapters.http.errors import (
    BAD_REQUEST,
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
    CsrfRejected,
    ErrorPage,
    kind_of,
    new_reference,
    page_for,
)
from pix_core.adapters.http.evaluation_web import EVALUATION_RULES, EvaluationPages
from pix_core.adapters.http.orga_web import ImporterFactory, OrgaPages
from pix_core.adapters.http.sessions import (
    COOKIE_NAME,
    SessionStore,
    clear_session_cookie,
    remember_pending,
    set_session_cookie,
    take_pending,
)
from pix_core.adapters.oidc.port import PendingLogin, RelyingParty
from pix_core.content import default_content
from pix_core.domain.campaigns import TargetCatalog
from pix_core.domain.errors import AuthenticationFailed, InvalidLoginInitiation, UserNotFound
from pix_core.domain.framework import PIX_FRAMEWORK, LearningContent
from pix_core.domain.rate_limit import InMemoryAttemptCounter, RateLimiter
from pix_core.domain.repositories import AuthenticationMethodRepository, UserRepository
from pix_core.domain.scoring import DEFAULT_MAX_OPEN_LEVEL
from pix_core.usecases.login_with_gar import login_with_gar
from pix_core.usecases.show_profile import show_profile

log = logging.getLogger(__name__)

PROFILE_PATH = "/profil"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class UnitOfWork(Protocol):
    @property
    def users(self) -> UserRepository: ...

    @property
    def methods(self) -> AuthenticationMethodRepository: ...

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None: ...

    def commit(self) -> None: ...


@dataclass(frozen=True)
class WebConfig:
    base_url: str
    issuer: str


ROUTE_KEY = "pixgar.route"  # WSGI environ: the URL rule the request matched
URL_MAP = Map(
    [
        Rule("/", endpoint="home", methods=["GET"]),
        Rule("/connexion/gar", endpoint="login", methods=["GET"]),
        Rule("/connexion/gar/initier", endpoint="initiate_login", methods=["GET", "POST"]),
        Rule("/connexion/oidc/callback", endpoint="callback", methods=["GET"]),
        Rule(PROFILE_PATH, endpoint="profile", methods=["GET"]),
        Rule("/deconnexion", endpoint="logout", methods=["POST"]),
        # Pix Orga (orga_web.py)
        Rule("/orga", endpoint="orga_home", methods=["GET"]),
        Rule("/orga/connexion", endpoint="orga_login", methods=["GET", "POST"]),
        Rule("/orga/<uai>/eleves", endpoint="orga_roster", methods=["GET"]),
        Rule("/orga/<uai>/import", endpoint="orga_import", methods=["GET", "POST"]),
        Rule(
            "/organisations/<uai>/avant-de-commencer",
            endpoint="reconcile",
            methods=["GET", "POST"],
        ),
        *CAMPAIGN_RULES,  # campaigns, members, invitations (campaign_web.py)
        *EVALUATION_RULES,  # competence evaluations (evaluation_web.py)
    ],
    strict_slashes=False,
)


class PixWeb(OrgaPages, CampaignPages, EvaluationPages):
    """Pix's pages. Dependencies come in through the constructor (see ``create_app``)."""

    def __init__(
        self,
        config: WebConfig,
        relying_party: RelyingParty,
        unit_of_work: Callable[[], UnitOfWork],
        sessions: SessionStore,
        clock: Clock,
        importer_for: ImporterFactory | None = None,
        limiter: RateLimiter | None = None,
        catalog: TargetCatalog | None = None,
        content: LearningContent | None = None,
        max_open_level: int = DEFAULT_MAX_OPEN_LEVEL,
    ) -> None:
        self.config = config
        self.catalog = catalog or EmptyCatalog()  # what campaigns may target
        self.content = content or default_content()  # tubes, skills, challenges
        self.max_open_level = max_open_level
        # create_app passes the SQL-backed limiter (shared by every worker); the
        # in-memory default only serves single-process tests.
        self.limiter = limiter or RateLimiter(InMemoryAttemptCounter(), clock)
        self.importer_for = importer_for
        self.rp = relying_party
        self.unit_of_work = unit_of_work
        self.sessions = sessions
        self.clock = clock
        self.templates = Environment(
            loader=PackageLoader("pix_core.adapters.http", "templates"), autoescape=True
        )

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request = Request(environ)
        try:
            response = self.dispatch(request)
        finally:
            request.close()  # uploaded files' temporary storage, whatever the route did
        return ClosingIterator(response(environ, start_response))

    def dispatch(self, request: Request) -> Response:
        try:
            rule, args = URL_MAP.bind_to_environ(request.environ).match(return_rule=True)
            request.environ[ROUTE_KEY] = rule.rule  # the route, for /metrics (never the path)
            response: Response = getattr(self, f"on_{rule.endpoint}")(request, **args)
        except NotFound:
            response = self.error_page(request, NOT_FOUND, "not_found", quiet=True)
        except MethodNotAllowed:
            response = self.error_page(request, METHOD_NOT_ALLOWED, "method_not_allowed")
        except HTTPException as err:  # e.g. malformed form bodies, redirects from routing
            if err.code and err.code < 400:
                response = err.get_response(request.environ)  # type: ignore[assignment]
            else:
                response = self.error_page(request, BAD_REQUEST, "bad_request")
        except Exception as err:
            response = self.error_page(request, page_for(err), kind_of(err), err)
            retry_after = getattr(err, "retry_after", None)
            if isinstance(retry_after, int):  # TooManyAttempts: the 429 page
                response.headers["Retry-After"] = str(retry_after)
        response.headers.update(SECURITY_HEADERS)
        return response

    # --- pages -------------------------------------------------------------------------

    def on_home(self, request: Request) -> Response:
        _, data = self._session(request)
        return self.render("home.html", logged_in=bool(data.get("user_id")), data=data)

    def on_login(self, request: Request) -> Response:
        return self._start_login(request, login_hint=None, next_path=PROFILE_PATH)

    def on_initiate_login(self, request: Request) -> Response:
        """OIDC Core §4: third-party initiated login, only from our issuer, only to here."""
        params = request.values
        if params.get("iss") != self.config.issuer:
            raise InvalidLoginInitiation("unknown_issuer")
        next_path = self._local_path(params.get("target_link_uri"))
        hint = params.get("login_hint") or None
        if hint is not None and len(hint) > 512:
            raise InvalidLoginInitiation("login_hint_too_long")
        return self._start_login(request, login_hint=hint, next_path=next_path)

    def on_callback(self, request: Request) -> Response:
        session_id, data = self._session(request)
        entry = take_pending(data, request.args.get("state", ""))
        if session_id is not None:
            self.sessions.save(session_id, data)
        if entry is None:
            raise AuthenticationFailed("state_unknown")
        adopt_request_id(entry.get("request_id"))  # the login's id, as at the proxy
        identity = self.rp.complete(request.args.to_dict(), PendingLogin.from_dict(entry))
        with self.unit_of_work() as uow:
            login = login_with_gar(identity, uow.users, uow.methods, self.clock)
            uow.commit()
        log.info("GAR login succeeded (account created: %s)", login.created)
        if session_id is not None:
            self.sessions.delete(session_id)  # a new id at login: no session fixation
        new_id = self.sessions.create(
            {"user_id": login.user.id, "csrf": secrets.token_urlsafe(32)}, self.clock()
        )
        response = redirect(entry.get("next") or PROFILE_PATH, code=303)
        set_session_cookie(response, new_id, self.sessions.lifetime)
        return response

    def on_profile(self, request: Request) -> Response:
        session_id, data = self._session(request)
        user_id = data.get("user_id")
        if not isinstance(user_id, int):
            return redirect("/", code=303)
        with self.unit_of_work() as uow:
            try:
                profile = show_profile(user_id, uow.users, PIX_FRAMEWORK, uow.knowledge_elements,
                                       self.content, self.max_open_level)
            except UserNotFound:
                return self._logged_out(session_id)
            cards = self._evaluation_cards(uow, user_id)
        response = self.render("profile.html", profile=profile, logged_in=True, data=data,
                               cards=cards)
        response.headers["Cache-Control"] = "no-store"
        return response

    def on_logout(self, request: Request) -> Response:
        session_id, data = self._session(request)
        if session_id is not None and data:
            sent = request.form.get("csrf_token", "")
            if not hmac.compare_digest(sent, str(data.get("csrf", ""))):
                raise CsrfRejected()
        return self._logged_out(session_id)

    # --- helpers -----------------------------------------------------------------------

    def render(self, template: str, status: int = 200, **context: Any) -> Response:
        body = self.templates.get_template(template).render(**context)
        return Response(body, status=status, mimetype="text/html")

    def error_page(
        self,
        request: Request,
        page: ErrorPage,
        kind: str | None,
        error: Exception | None = None,
        quiet: bool = False,
    ) -> Response:
        reference = new_reference()
        if page.status >= 500 and error is not None and kind is None:
            log.error("unexpected error ref=%s", reference, exc_info=error)
        elif not quiet:
            log.warning(
                "request failed ref=%s kind=%s status=%s path=%s",
                reference,
                kind or "unknown",
                page.status,
                request.path,
            )
        return self.render(
            "error.html",
            status=page.status,
            page=page,
            reference=reference,
            logged_in=False,
            data={},
        )

    def _session(self, request: Request) -> tuple[str | None, dict[str, Any]]:
        session_id = request.cookies.get(COOKIE_NAME)
        if not session_id:
            return None, {}
        data = self.sessions.load(session_id, self.clock())
        return (session_id, data) if data is not None else (None, {})

    def _start_login(self, request: Request, login_hint: str | None, next_path: str) -> Response:
        request_id = current_request_id()  # becomes the login's id (kernel/request_id.py)
        login = self.rp.begin(login_hint, request_id)
        session_id, data = self._session(request)
        remember_pending(data, login.pending.state, {**login.pending.to_dict(), "next": next_path,
                                                     "request_id": request_id or ""})
        response = redirect(login.url, code=303)
        if session_id is None:
            data.setdefault("csrf", secrets.token_urlsafe(32))
            session_id = self.sessions.create(data, self.clock())
            set_session_cookie(response, session_id, self.sessions.lifetime)
        else:
            self.sessions.save(session_id, data)
        response.headers["Cache-Control"] = "no-store"
        return response

    def _logged_out(self, session_id: str | None) -> Response:
        if session_id is not None:
            self.sessions.delete(session_id)
        response = redirect("/", code=303)
        clear_session_cookie(response)
        return response

    def _local_path(self, target: str | None) -> str:
        """Accept only a URL under PIX_BASE_URL; return its path (no open redirect)."""
        if not target:
            return PROFILE_PATH
        base, url = urlsplit(self.config.base_url), urlsplit(target)
        base_path = base.path.rstrip("/")
        same_origin = (url.scheme, url.netloc) == (base.scheme, base.netloc)
        path = url.path or "/"
        if not same_origin or not (path == base_path or path.startswith(base_path + "/")):
            raise InvalidLoginInitiation("target_not_local")
        if path.startswith("//") or "\\" in path:
            raise InvalidLoginInitiation("target_not_local")
        if path in ("/", base_path, base_path + "/") and not url.query:
            return PROFILE_PATH  # "the app itself": a logged-in pupil lands on the profile
        return path + (f"?{url.query}" if url.query else "")
