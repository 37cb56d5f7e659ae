""""Mon compte": the login methods of the account, adding an e-mail login (a pupil who came
through the GAR keeps the profile after leaving school), changing the password, and tying
a GAR login to an existing Pix account with that account's password."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from werkzeug import Request, Response
from werkzeug.routing import Rule
from werkzeug.utils import redirect

from pix_core.accounts.adapters.http.gar_login import PROFILE_PATH
from pix_core.accounts.adapters.http.password_pages import (
    CHANGE_PASSWORD_PATH,
    CHECK_MAILBOX,
    MUST_CHANGE_PASSWORD,
    client_address,
)
from pix_core.accounts.domain import mail
from pix_core.accounts.domain.errors import LoginFailed, MailUnavailable, UserNotFound
from pix_core.accounts.domain.login_limits import (
    ACCOUNT_CHANGE_PER_USER,
    MAILING_PER_ADDRESS,
    MAILING_PER_IP,
    PASSWORD_LOGIN_PER_ACCOUNT,
)
from pix_core.accounts.domain.mail import Mailer
from pix_core.accounts.domain.users import normalize_email
from pix_core.accounts.usecases.add_email_login import add_email_login
from pix_core.accounts.usecases.change_password import change_password
from pix_core.accounts.usecases.confirm_email_login import confirm_email_login
from pix_core.accounts.usecases.link_gar_account import link_gar_account
from pix_core.shared.adapters.http.kit import Templates, WebKit, no_store, user_id_of

log = logging.getLogger(__name__)

ACCOUNT_PATH = "/mon-compte"


class MyAccountPages:
    rules = (
        Rule(ACCOUNT_PATH, endpoint="my_account", methods=["GET"]),
        Rule("/mon-compte/email", endpoint="add_email_login", methods=["POST"]),
        Rule(mail.CONFIRM_EMAIL_PATH, endpoint="confirm_email_login", methods=["GET", "POST"]),
        Rule(CHANGE_PASSWORD_PATH, endpoint="change_password", methods=["GET", "POST"]),
        Rule("/mon-compte/relier", endpoint="link_gar_account", methods=["POST"]),
        Rule("/mon-compte/donnees.json", endpoint="my_data", methods=["GET"]),
    )

    def __init__(self, kit: WebKit, unit_of_work: Callable[[], Any], mailer: Mailer,
                 can_export: bool = False) -> None:
        self.kit = kit
        self.unit_of_work = unit_of_work
        self.mailer = mailer
        self.can_export = can_export
        self.templates = Templates(__package__)

    def on_my_account(self, request: Request) -> Response:
        session_id, data, user_id = self.kit.signed_in(request, otherwise="/connexion")
        with self.unit_of_work() as uow:
            user = uow.users.get(user_id)
            methods = uow.methods.list_for_user(user_id)
        if user is None:
            raise UserNotFound()
        return no_store(self.templates.render(
            "my_account.html", user=user, methods=methods, logged_in=True, data=data,
            has_email=any(m.is_pix and m.email for m in methods),
            has_password=any(m.is_pix for m in methods), has_gar=any(m.is_gar for m in methods),
            can_export=self.can_export))

    def on_add_email_login(self, request: Request) -> Response:
        user_id, data = self._logged_in_post(request)
        if not self.mailer.available:
            raise MailUnavailable("smtp_not_configured")
        email = request.form.get("email", "")
        self.kit.limiter.hit(ACCOUNT_CHANGE_PER_USER, str(user_id))
        self.kit.limiter.hit(MAILING_PER_IP, client_address(request))
        self.kit.limiter.hit(MAILING_PER_ADDRESS, normalize_email(email))
        with self.unit_of_work() as uow:
            add_email_login(user_id, email, request.form.get("password", ""),
                            request.form.get("confirmation", ""), uow.users, uow.methods,
                            uow.tokens, self.mailer, self.kit.clock, self.kit.config.base_url)
            uow.commit()
        return self._notice(data, *CHECK_MAILBOX)

    def on_confirm_email_login(self, request: Request) -> Response:
        if request.method == "GET":
            form_id, data, fresh = self.kit.form_session(request)
            page = self.templates.render(
                "confirm_link.html", title="Confirmer mon adresse e-mail",
                action=mail.CONFIRM_EMAIL_PATH, button="Je confirme",
                token=request.args.get("jeton", ""), with_password=False,
                logged_in=bool(data.get("user_id")), data=data)
            return self.kit.with_cookie(no_store(page), form_id if fresh else None)
        session_id, data = self.kit.session(request)
        self.kit.check_csrf(request, session_id, data)
        with self.unit_of_work() as uow:
            confirm_email_login(request.form.get("jeton", ""), uow.users, uow.methods,
                                uow.tokens, self.kit.clock)
            uow.commit()
        log.info("e-mail login added to an account")
        return self._notice(data, "Adresse e-mail confirmée",
                            "Vous pouvez maintenant vous connecter à Pix avec cette adresse "
                            "e-mail et votre mot de passe, même sans l'ENT.", "/connexion",
                            "Page de connexion")

    def on_change_password(self, request: Request) -> Response:
        session_id, data, user_id = self.kit.signed_in(request, otherwise="/connexion")
        forced = bool(data.get(MUST_CHANGE_PASSWORD))
        if request.method == "GET":
            return no_store(self.templates.render("change_password.html", forced=forced,
                                                  logged_in=True, data=data))
        self.kit.check_csrf(request, session_id, data)
        self.kit.limiter.hit(ACCOUNT_CHANGE_PER_USER, str(user_id))
        with self.unit_of_work() as uow:
            change_password(user_id, None if forced else request.form.get("current", ""),
                            request.form.get("password", ""),
                            request.form.get("confirmation", ""), uow.methods, self.kit.clock)
            uow.commit()
        log.info("password changed")
        if forced and session_id is not None:
            data.pop(MUST_CHANGE_PASSWORD, None)
            self.kit.sessions.save(session_id, data)
        return redirect(PROFILE_PATH if forced else ACCOUNT_PATH, code=303)

    def on_link_gar_account(self, request: Request) -> Response:
        session_id, data, user_id = self.kit.signed_in(request, otherwise="/connexion")
        self.kit.check_csrf(request, session_id, data)
        login = request.form.get("login", "")
        self.kit.limiter.hit(ACCOUNT_CHANGE_PER_USER, str(user_id))
        self.kit.limiter.hit(PASSWORD_LOGIN_PER_ACCOUNT, normalize_email(login))
        with self.unit_of_work() as uow:
            try:
                target = link_gar_account(user_id, login, request.form.get("password", ""),
                                          uow.users, uow.methods, uow.activity, self.kit.clock)
            except LoginFailed:
                log.info("account link refused")
                raise
            uow.commit()
        log.info("GAR login tied to an existing account")
        return self.kit.log_in(redirect(PROFILE_PATH, code=303), None, target)

    def on_my_data(self, request: Request) -> Response:
        """The GDPR download: everything stored about the account, as JSON."""
        _, data, user_id = self.kit.signed_in(request, otherwise="/connexion")
        with self.unit_of_work() as uow:
            exported = uow.export_personal_data(user_id) if self.can_export else None
        if exported is None:
            raise UserNotFound()
        log.info("personal data downloaded")
        response = Response(json.dumps(exported, ensure_ascii=False, indent=2, default=str),
                            mimetype="application/json")
        response.headers["Content-Disposition"] = 'attachment; filename="mes-donnees-pix.json"'
        return no_store(response)

    def _logged_in_post(self, request: Request) -> tuple[int, dict[str, Any]]:
        session_id, data = self.kit.session(request)
        self.kit.check_csrf(request, session_id, data)
        user_id = user_id_of(data)
        if user_id is None:
            raise LoginFailed("not_logged_in")
        return user_id, data

    def _notice(self, data: dict[str, Any], title: str, message: str, link: str = "",
                link_label: str = "") -> Response:
        return no_store(self.templates.render(
            "notice.html", title=title, message=message, link=link, link_label=link_label,
            logged_in=bool(data.get("user_id")), data=data))
