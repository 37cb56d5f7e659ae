"""Self-service recovery for a pupil who left a GAR school (INE, names, birth date, a new
e-mail), and the mailed link that sets the password. Rate-limited per client address and
per INE; CSRF-checked."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from werkzeug import Request, Response
from werkzeug.routing import Rule
from werkzeug.utils import redirect

from pix_core.accounts.domain import mail
from pix_core.accounts.domain.errors import MailUnavailable
from pix_core.accounts.domain.login_limits import MAILING_PER_ADDRESS, MAILING_PER_IP
from pix_core.accounts.domain.mail import Mailer
from pix_core.accounts.usecases.recover_account import recover_account
from pix_core.orga.usecases.request_account_recovery import (
    RecoveryRequest,
    request_account_recovery,
)
from pix_core.shared.adapters.http.kit import Templates, WebKit, no_store

log = logging.getLogger(__name__)

RECOVERY_PATH = "/recuperer-mon-compte"
SENT = ("Consultez votre messagerie",
        "Les informations correspondent à un compte : un e-mail vient d'être envoyé à "
        "l'adresse indiquée. Ouvrez le lien qu'il contient dans l'heure.")


class RecoveryPages:
    rules = (
        Rule(RECOVERY_PATH, endpoint="recover", methods=["GET", "POST"]),
        Rule(mail.RECOVER_PATH, endpoint="recover_password", methods=["GET", "POST"]),
    )

    def __init__(self, kit: WebKit, unit_of_work: Callable[[], Any], mailer: Mailer) -> None:
        self.kit = kit
        self.unit_of_work = unit_of_work
        self.mailer = mailer
        self.templates = Templates(__package__)
        self.account_templates = Templates("pix_core.accounts.adapters.http")

    def on_recover(self, request: Request) -> Response:
        if request.method == "GET":
            form_id, data, fresh = self.kit.form_session(request)
            page = self.templates.render("recovery.html", logged_in=bool(data.get("user_id")),
                                         data=data)
            return self.kit.with_cookie(no_store(page), form_id if fresh else None)
        session_id, data = self.kit.session(request)
        self.kit.check_csrf(request, session_id, data)
        if not self.mailer.available:
            raise MailUnavailable("smtp_not_configured")
        form = request.form
        self.kit.limiter.hit(MAILING_PER_IP, request.remote_addr or "unknown")
        self.kit.limiter.hit(MAILING_PER_ADDRESS, "ine:" + form.get("ine", "").strip().upper())
        recovery = RecoveryRequest(form.get("ine", ""), form.get("prenom", ""),
                                   form.get("nom", ""), _date(form.get("naissance", "")),
                                   form.get("email", ""))
        with self.unit_of_work() as uow:
            request_account_recovery(recovery, uow.learners, uow.users, uow.tokens, self.mailer,
                                     self.kit.clock, self.kit.config.base_url)
            uow.commit()
        log.info("account recovery mailed")
        return self._notice(data, *SENT)

    def on_recover_password(self, request: Request) -> Response:
        if request.method == "GET":
            form_id, data, fresh = self.kit.form_session(request)
            page = self.account_templates.render(
                "confirm_link.html", title="Choisir mon mot de passe", action=mail.RECOVER_PATH,
                button="Enregistrer", token=request.args.get("jeton", ""), with_password=True,
                logged_in=bool(data.get("user_id")), data=data)
            return self.kit.with_cookie(no_store(page), form_id if fresh else None)
        session_id, data = self.kit.session(request)
        self.kit.check_csrf(request, session_id, data)
        with self.unit_of_work() as uow:
            user_id = recover_account(request.form.get("jeton", ""),
                                      request.form.get("password", ""),
                                      request.form.get("confirmation", ""), uow.users,
                                      uow.methods, uow.tokens, self.kit.clock)
            uow.commit()
        log.info("account recovered")
        return self.kit.log_in(redirect("/profil", code=303), session_id, user_id)

    def _notice(self, data: dict[str, Any], title: str, message: str) -> Response:
        return no_store(self.account_templates.render(
            "notice.html", title=title, message=message, link="", link_label="",
            logged_in=bool(data.get("user_id")), data=data))


def _date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        return None
