"""The supervisor's page: the session's number and supervisor password open a separate,
short-lived session for that room only (its own cookie, ``__Host-pix_surveillance``, not
the Pix login), listing the candidates (the page reloads itself), authorising starts and
ending a test with a reason.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

from werkzeug import Request, Response
from werkzeug.routing import Rule
from werkzeug.utils import redirect

from kernel.stored import NotStored
from pix_core.certification.domain.codes import (
    SUPERVISOR_PER_CLIENT,
    SUPERVISOR_SESSION_LIFETIME,
)
from pix_core.certification.domain.errors import SupervisorRefused
from pix_core.certification.usecases.authorise_candidate import authorise_candidate
from pix_core.certification.usecases.end_candidate_test import end_candidate_test
from pix_core.certification.usecases.log_in_as_supervisor import log_in_as_supervisor
from pix_core.certification.usecases.show_supervised_session import show_supervised_session
from pix_core.shared.adapters.http.errors import CsrfRejected
from pix_core.shared.adapters.http.kit import Templates, WebKit, no_store, user_id_of
from pix_core.shared.domain.rate_limit import ATTEMPT_WINDOW, RateLimitRule

log = logging.getLogger(__name__)

SUPERVISION = "/surveillance"
SUPERVISOR_COOKIE = "__Host-pix_surveillance"
LIST_REFRESH_SECONDS = 10
SUPERVISOR_PER_SESSION = RateLimitRule("certification_supervisor_session", 20, ATTEMPT_WINDOW)
"""Supervisor logins per session number, whatever the address (a 5-character password)."""
CANDIDATE = f"{SUPERVISION}/<int:session_id>/candidats/<int:candidate_id>"


class SupervisorPages:
    rules: tuple[Rule, ...] = (
        Rule(SUPERVISION, endpoint="supervision_login", methods=["GET", "POST"]),
        Rule(f"{SUPERVISION}/<int:session_id>", endpoint="supervision", methods=["GET"]),
        Rule(f"{CANDIDATE}/autoriser", endpoint="supervision_authorise", methods=["POST"]),
        Rule(f"{CANDIDATE}/terminer", endpoint="supervision_end", methods=["POST"]),
        Rule(f"{SUPERVISION}/quitter", endpoint="supervision_logout", methods=["POST"]),
    )

    kit: WebKit
    unit_of_work: Callable[[], Any]
    templates: Templates

    def on_supervision_login(self, request: Request) -> Response:
        if request.method == "GET":
            form_id, data, fresh = self.kit.form_session(request)
            page = self.templates.render("supervision_login.html",
                                         logged_in=user_id_of(data) is not None, data=data)
            return no_store(self.kit.with_cookie(page, form_id if fresh else None))
        cookie_id, data = self.kit.session(request)
        self.kit.check_csrf(request, cookie_id, data)
        number = request.form.get("numero", "").strip()
        self.kit.limiter.hit(SUPERVISOR_PER_CLIENT, request.remote_addr or "unknown")
        self.kit.limiter.hit(SUPERVISOR_PER_SESSION, number[:16])
        if not number.isdigit() or len(number) > 12:
            raise SupervisorRefused("number_invalid")
        with self.unit_of_work() as uow:
            session = log_in_as_supervisor(int(number), request.form.get("mot_de_passe", ""),
                                           sessions=uow.certification_sessions)
        if session.id is None:
            raise NotStored(session)
        now = self.kit.clock()
        until = now + SUPERVISOR_SESSION_LIFETIME
        supervisor_id = self.kit.sessions.create(
            {"supervises": session.id, "csrf": secrets.token_urlsafe(32),
             "until": until.timestamp()}, now)
        log.info("supervisor logged in")
        response = redirect(f"{SUPERVISION}/{session.id}", code=303)
        response.set_cookie(SUPERVISOR_COOKIE, supervisor_id,
                            max_age=int(SUPERVISOR_SESSION_LIFETIME.total_seconds()),
                            path="/", secure=True, httponly=True, samesite="Strict")
        return response

    def on_supervision(self, request: Request, session_id: int) -> Response:
        supervisor = self._supervisor(request, session_id)
        if supervisor is None:
            return redirect(SUPERVISION, code=303)
        with self.unit_of_work() as uow:
            view = show_supervised_session(session_id, sessions=uow.certification_sessions,
                                           candidates=uow.certification_candidates)
        response = self.templates.render(
            "supervision.html", view=view, supervisor=supervisor, logged_in=False, data={})
        response.headers["Refresh"] = str(LIST_REFRESH_SECONDS)  # a live list, no script
        return no_store(response)

    def on_supervision_authorise(self, request: Request, session_id: int,
                                 candidate_id: int) -> Response:
        return self._supervise(request, session_id, lambda uow: authorise_candidate(
            session_id, candidate_id, sessions=uow.certification_sessions,
            candidates=uow.certification_candidates))

    def on_supervision_end(self, request: Request, session_id: int,
                           candidate_id: int) -> Response:
        reason = request.form.get("motif", "")
        return self._supervise(request, session_id, lambda uow: end_candidate_test(
            session_id, candidate_id, reason, sessions=uow.certification_sessions,
            candidates=uow.certification_candidates))

    def on_supervision_logout(self, request: Request) -> Response:
        supervisor_id = request.cookies.get(SUPERVISOR_COOKIE)
        data = self.kit.sessions.load(supervisor_id, self.kit.clock()) if supervisor_id else None
        _check_csrf(request, data or {})  # no supervisor session: refused as expired
        if supervisor_id:
            self.kit.sessions.delete(supervisor_id)
        response = redirect(SUPERVISION, code=303)
        response.delete_cookie(SUPERVISOR_COOKIE, path="/", secure=True, httponly=True,
                               samesite="Strict")
        return response

    def _supervise(self, request: Request, session_id: int, action: Callable[[Any], object]
             ) -> Response:
        supervisor = self._supervisor(request, session_id)
        _check_csrf(request, supervisor or {})  # expired or another session's: refused
        with self.unit_of_work() as uow:
            action(uow)
            uow.commit()
        log.info("supervisor action done")
        return redirect(f"{SUPERVISION}/{session_id}", code=303)

    def _supervisor(self, request: Request, session_id: int) -> dict[str, Any] | None:
        """The supervisor's session data for this session only, while it lasts."""
        supervisor_id = request.cookies.get(SUPERVISOR_COOKIE)
        if not supervisor_id:
            return None
        now: datetime = self.kit.clock()
        data = self.kit.sessions.load(supervisor_id, now)
        if (data is None or data.get("supervises") != session_id
                or float(data.get("until", 0)) < now.timestamp()):
            return None
        return data


def _check_csrf(request: Request, supervisor: dict[str, Any]) -> None:
    """The supervisor's forms carry the token of the supervisor's own session."""
    expected = str(supervisor.get("csrf", ""))
    if not expected or not hmac.compare_digest(request.form.get("csrf_token", ""), expected):
        raise CsrfRejected()
