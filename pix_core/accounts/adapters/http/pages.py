"""The home page, the GAR login (start, third-party initiation, callback), logging out, and
Pix Orga's e-mail login. Every login gives a new session id."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from typing import Any

from werkzeug import Request, Response
from werkzeug.routing import Rule
from werkzeug.utils import redirect

from kernel.request_id import adopt_request_id
from kernel.stored import NotStored
from pix_core.accounts.adapters.http.gar_login import (
    PROFILE_PATH,
    GarLogin,
    local_path,
    take_pending,
)
from pix_core.accounts.adapters.http.login_metrics import count_failure, count_success
from pix_core.accounts.adapters.oidc.port import CALLBACK_PATH, PendingLogin, RelyingParty
from pix_core.accounts.domain.errors import (
    AuthenticationFailed,
    InvalidLoginInitiation,
    OrgaLoginFailed,
)
from pix_core.accounts.domain.login_limits import ORGA_LOGIN_PER_ACCOUNT, ORGA_LOGIN_PER_IP
from pix_core.accounts.domain.users import normalize_email
from pix_core.accounts.usecases.log_in_to_pix_orga import log_in_to_pix_orga
from pix_core.accounts.usecases.login_with_gar import login_with_gar
from pix_core.shared.adapters.http.errors import CsrfRejected
from pix_core.shared.adapters.http.kit import Templates, WebKit, no_store

log = logging.getLogger(__name__)

ORGA_HOME = "/orga"
MAX_LOGIN_HINT = 512


class AccountPages:
    rules = (
        Rule("/", endpoint="home", methods=["GET"]),
        Rule("/connexion/gar", endpoint="login", methods=["GET"]),
        Rule("/connexion/gar/initier", endpoint="initiate_login", methods=["GET", "POST"]),
        Rule(CALLBACK_PATH, endpoint="callback", methods=["GET"]),
        Rule("/deconnexion", endpoint="logout", methods=["POST"]),
        Rule("/orga/connexion", endpoint="orga_login", methods=["GET", "POST"]),
    )

    def __init__(self, kit: WebKit, gar_login: GarLogin, relying_party: RelyingParty,
                 unit_of_work: Callable[[], Any]) -> None:
        self.kit = kit
        self.gar_login = gar_login
        self.rp = relying_party
        self.unit_of_work = unit_of_work
        self.templates = Templates(__package__)

    def on_home(self, request: Request) -> Response:
        _, data = self.kit.session(request)
        return self.templates.render("home.html", logged_in=bool(data.get("user_id")),
                                     data=data)

    def on_login(self, request: Request) -> Response:
        return self.gar_login.start(request, PROFILE_PATH)

    def on_initiate_login(self, request: Request) -> Response:
        """OIDC Core §4: third-party initiated login, only from our issuer, only to here."""
        params = request.values
        if params.get("iss") != self.kit.config.issuer:
            raise InvalidLoginInitiation("unknown_issuer")
        next_path = local_path(self.kit.config.base_url, params.get("target_link_uri"))
        hint = params.get("login_hint") or None
        if hint is not None and len(hint) > MAX_LOGIN_HINT:
            raise InvalidLoginInitiation("login_hint_too_long")
        return self.gar_login.start(request, next_path, login_hint=hint)

    def on_callback(self, request: Request) -> Response:
        try:
            response = self._complete_login(request)
        except Exception as error:  # counted, then mapped to its page by PixWeb.dispatch
            count_failure(error, self.kit.errors)
            raise
        count_success()
        return response

    def on_logout(self, request: Request) -> Response:
        session_id, data = self.kit.session(request)
        if session_id is not None and data:
            sent = request.form.get("csrf_token", "")
            if not hmac.compare_digest(sent, str(data.get("csrf", ""))):
                raise CsrfRejected()
        return self.kit.log_out(session_id)

    def on_orga_login(self, request: Request) -> Response:
        if request.method == "GET":
            form_id, data, fresh = self.kit.form_session(request)
            return self.kit.with_cookie(self._orga_login_page(data), form_id if fresh else None)
        session_id, data = self.kit.session(request)
        self.kit.check_csrf(request, session_id, data)
        email = request.form.get("email", "")
        # Counted before the password is checked; behind reverse proxies the address
        # comes from X-Forwarded-For, as far back as PIX_TRUSTED_PROXIES says (app.py).
        self.kit.limiter.hit(ORGA_LOGIN_PER_IP, request.remote_addr or "unknown")
        self.kit.limiter.hit(ORGA_LOGIN_PER_ACCOUNT, normalize_email(email))
        try:
            with self.unit_of_work() as uow:
                user_id = log_in_to_pix_orga(email, request.form.get("password", ""),
                                             uow.methods, self.kit.clock)
                uow.commit()
        except OrgaLoginFailed:
            log.info("Pix Orga login refused")  # never the e-mail
            return self._orga_login_page(data, status=401, failed=True, email=email)
        log.info("Pix Orga login succeeded")
        return self.kit.log_in(redirect(ORGA_HOME, code=303), session_id, user_id)

    def _complete_login(self, request: Request) -> Response:
        session_id, data = self.kit.session(request)
        entry = take_pending(data, request.args.get("state", ""))
        if session_id is None or entry is None:
            raise AuthenticationFailed("state_unknown")
        adopt_request_id(entry.get("request_id"))  # the login's id, as at the proxy
        try:
            user_id = self._gar_account(request, PendingLogin.from_dict(entry))
        except Exception:
            self._consume_state(session_id, data)
            raise
        response = redirect(entry.get("next") or PROFILE_PATH, code=303)
        return self.kit.log_in(response, session_id, user_id)  # the state goes with the session

    def _consume_state(self, session_id: str, data: dict[str, Any]) -> None:
        """A failed login's state is good for no second try. If the database cannot store
        that (it may be why the login failed), the visitor still gets the page of the
        login's own error, and the state expires with the session."""
        try:
            self.kit.sessions.save(session_id, data)
        except Exception as error:
            log.warning("a failed login's state could not be consumed: %s",
                        type(error).__name__)

    def _gar_account(self, request: Request, pending: PendingLogin) -> int:
        identity = self.rp.complete(request.args.to_dict(), pending)
        with self.unit_of_work() as uow:
            login = login_with_gar(identity, uow.users, uow.methods, self.kit.clock,
                                   getattr(uow, "roster_ties", None))
            uow.commit()
        log.info("GAR login succeeded (account created: %s)", login.created)
        if login.user.id is None:
            raise NotStored(login.user)
        return login.user.id

    def _orga_login_page(self, data: dict[str, Any], status: int = 200, failed: bool = False,
                         email: str = "") -> Response:
        return no_store(self.templates.render(
            "orga_login.html", status=status, failed=failed, email=email, logged_in=False,
            data=data))
