"""E-mail accounts: sign-up and its confirmation, login by e-mail or username, "mot de passe
oublié" and the new password. Every form is CSRF-checked; every mailing and login attempt
is rate-limited per client address and per address or login typed; the pages say the same
whether an account exists or not (docs/accounts.md).

A mailed link opens a page with a button (a POST): mail scanners that fetch links do not
use the token up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from werkzeug import Request, Response
from werkzeug.routing import Rule
from werkzeug.utils import redirect

from pix_core.accounts.adapters.http.gar_login import PROFILE_PATH
from pix_core.accounts.domain import mail
from pix_core.accounts.domain.errors import LoginFailed, MailUnavailable
from pix_core.accounts.domain.login_limits import (
    MAILING_PER_ADDRESS,
    MAILING_PER_IP,
    PASSWORD_LOGIN_PER_ACCOUNT,
    PASSWORD_LOGIN_PER_IP,
)
from pix_core.accounts.domain.mail import Mailer
from pix_core.accounts.domain.users import normalize_email
from pix_core.accounts.usecases.confirm_sign_up import confirm_sign_up
from pix_core.accounts.usecases.log_in_with_password import log_in_with_password
from pix_core.accounts.usecases.request_password_reset import request_password_reset
from pix_core.accounts.usecases.reset_password import reset_password
from pix_core.accounts.usecases.sign_up import SignUp, sign_up
from pix_core.shared.adapters.http.kit import Templates, WebKit, no_store

log = logging.getLogger(__name__)

CHANGE_PASSWORD_PATH = "/mon-compte/mot-de-passe"  # noqa: S105 (a path)
MUST_CHANGE_PASSWORD = "must_change_password"  # noqa: S105 (session key: a one-time password was used)
CHECK_MAILBOX = ("Consultez votre messagerie",
                 "Si cette adresse peut recevoir ce message, un e-mail vient de lui être "
                 "envoyé. Ouvrez le lien qu'il contient (pensez aux courriers indésirables).")


def client_address(request: Request) -> str:
    return request.remote_addr or "unknown"


class PasswordPages:
    rules = (
        Rule("/inscription", endpoint="sign_up", methods=["GET", "POST"]),
        Rule(mail.CONFIRM_SIGN_UP_PATH, endpoint="confirm_sign_up", methods=["GET", "POST"]),
        Rule("/connexion", endpoint="password_login", methods=["GET", "POST"]),
        Rule("/mot-de-passe-oublie", endpoint="forgot_password", methods=["GET", "POST"]),
        Rule(mail.RESET_PASSWORD_PATH, endpoint="reset_password", methods=["GET", "POST"]),
    )

    def __init__(self, kit: WebKit, unit_of_work: Callable[[], Any], mailer: Mailer) -> None:
        self.kit = kit
        self.unit_of_work = unit_of_work
        self.mailer = mailer
        self.templates = Templates(__package__)

    def on_sign_up(self, request: Request) -> Response:
        if request.method == "GET":
            return self._form(request, "sign_up.html")
        data = self._checked_post(request)
        self._mailing_allowed(request, request.form.get("email", ""))
        form = SignUp(*(request.form.get(name, "") for name in (
            "first_name", "last_name", "email", "password", "confirmation")))
        with self.unit_of_work() as uow:
            sign_up(form, uow.users, uow.tokens, self.mailer, self.kit.clock,
                    self.kit.config.base_url)
            uow.commit()
        return self._notice(data, *CHECK_MAILBOX)

    def on_confirm_sign_up(self, request: Request) -> Response:
        if request.method == "GET":
            return self._link_form(request, "Confirmer mon adresse e-mail",
                                   mail.CONFIRM_SIGN_UP_PATH, "Je confirme et je me connecte")
        session_id, data = self.kit.session(request)
        self.kit.check_csrf(request, session_id, data)
        with self.unit_of_work() as uow:
            user_id = confirm_sign_up(request.form.get("jeton", ""), uow.users, uow.methods,
                                      uow.tokens, self.kit.clock)
            uow.commit()
        log.info("account created by sign-up")
        return self.kit.log_in(redirect(PROFILE_PATH, code=303), session_id, user_id)

    def on_password_login(self, request: Request) -> Response:
        if request.method == "GET":
            return self._form(request, "login.html", login="", failed=False)
        session_id, data = self.kit.session(request)
        self.kit.check_csrf(request, session_id, data)
        login = request.form.get("login", "")
        self.kit.limiter.hit(PASSWORD_LOGIN_PER_IP, client_address(request))
        self.kit.limiter.hit(PASSWORD_LOGIN_PER_ACCOUNT, normalize_email(login))
        try:
            with self.unit_of_work() as uow:
                done = log_in_with_password(login, request.form.get("password", ""),
                                            uow.methods, self.kit.clock)
                uow.commit()
        except LoginFailed:
            log.info("password login refused")  # never the login typed
            return no_store(self.templates.render("login.html", status=401, failed=True,
                                                  login=login, logged_in=False, data=data))
        log.info("password login succeeded")
        if done.must_change_password:
            return self.kit.log_in(redirect(CHANGE_PASSWORD_PATH, code=303), session_id,
                                   done.user_id, **{MUST_CHANGE_PASSWORD: done.method_id})
        return self.kit.log_in(redirect(PROFILE_PATH, code=303), session_id, done.user_id)

    def on_forgot_password(self, request: Request) -> Response:
        if request.method == "GET":
            return self._form(request, "forgot_password.html")
        data = self._checked_post(request)
        email = request.form.get("email", "")
        self._mailing_allowed(request, email)
        with self.unit_of_work() as uow:
            request_password_reset(email, uow.methods, uow.tokens, self.mailer, self.kit.clock,
                                   self.kit.config.base_url)
            uow.commit()
        return self._notice(data, *CHECK_MAILBOX)

    def on_reset_password(self, request: Request) -> Response:
        if request.method == "GET":
            return self._link_form(request, "Choisir un nouveau mot de passe",
                                   mail.RESET_PASSWORD_PATH, "Enregistrer", with_password=True)
        data = self._checked_post(request)
        with self.unit_of_work() as uow:
            reset_password(request.form.get("jeton", ""), request.form.get("password", ""),
                           request.form.get("confirmation", ""), uow.methods, uow.tokens,
                           self.kit.clock)
            uow.commit()
        log.info("password reset")
        return self._notice(data, "Mot de passe enregistré",
                            "Votre nouveau mot de passe est enregistré.", "/connexion",
                            "Je me connecte")

    # helpers

    def _checked_post(self, request: Request) -> dict[str, Any]:
        session_id, data = self.kit.session(request)
        self.kit.check_csrf(request, session_id, data)
        return data

    def _mailing_allowed(self, request: Request, address: str) -> None:
        if not self.mailer.available:
            raise MailUnavailable("smtp_not_configured")
        self.kit.limiter.hit(MAILING_PER_IP, client_address(request))
        self.kit.limiter.hit(MAILING_PER_ADDRESS, normalize_email(address))

    def _form(self, request: Request, template: str, **context: Any) -> Response:
        form_id, data, fresh = self.kit.form_session(request)
        page = self.templates.render(template, logged_in=bool(data.get("user_id")), data=data,
                                     **context)
        return self.kit.with_cookie(no_store(page), form_id if fresh else None)

    def _link_form(self, request: Request, title: str, action: str, button: str,
                   with_password: bool = False) -> Response:
        return self._form(request, "confirm_link.html", title=title, action=action,
                          button=button, token=request.args.get("jeton", ""),
                          with_password=with_password)

    def _notice(self, data: dict[str, Any], title: str, message: str, link: str = "",
                link_label: str = "") -> Response:
        return no_store(self.templates.render(
            "notice.html", title=title, message=message, link=link, link_label=link_label,
            logged_in=bool(data.get("user_id")), data=data))
