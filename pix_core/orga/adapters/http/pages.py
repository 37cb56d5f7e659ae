"""Pix Orga pages and "Avant de commencer", mixed into ``PixWeb`` (routes are in web.py).

Every POST carries the session's CSRF token; every organisation route asks
``authorize_member``; logging in to Pix Orga gives a new session id.
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
from collections.abc import Callable
from datetime import date
from typing import Any, BinaryIO, Protocol, cast

from werkzeug import Request, Response
from werkzeug.utils import redirect

from kernel.clock import Clock
from pix_core.adapters.http.errors import CsrfRejected
from pix_core.adapters.http.sessions import SessionStore, set_session_cookie
from pix_core.domain.accounts.errors import OrgaLoginFailed, PixAccountRequired
from pix_core.domain.memberships import MembershipRepository, OrganizationRepository
from pix_core.domain.rate_limit import (
    ORGA_LOGIN_PER_ACCOUNT,
    ORGA_LOGIN_PER_IP,
    RECONCILIATION_PER_USER,
    RateLimiter,
)
from pix_core.domain.reconciliation import (
    Answers,
    LearnerLinkRepository,
    ReconciliationStatus,
)
from pix_core.domain.repositories import AuthenticationMethodRepository, UserRepository
from pix_core.domain.users import normalize_email
from pix_core.usecases.authorize_member import authorize_member
from pix_core.usecases.is_gar_staff import is_gar_staff
from pix_core.usecases.list_my_organizations import list_my_organizations
from pix_core.usecases.log_in_to_pix_orga import log_in_to_pix_orga
from pix_core.usecases.reconcile_learner import reconcile_learner
from pix_core.usecases.show_roster import show_roster
from pix_core.usecases.upload_siecle_roster import RosterImporter, upload_siecle_roster

log = logging.getLogger(__name__)

ORGA_HOME = "/orga"
ORGA_LOGIN = "/orga/connexion"
MAX_UPLOAD_BYTES = 32 * 2**20
UPLOAD_FIELD = "fichier"


class OrgaUnitOfWork(Protocol):
    users: UserRepository
    methods: AuthenticationMethodRepository
    organizations: OrganizationRepository
    memberships: MembershipRepository
    learners: LearnerLinkRepository

    def __enter__(self) -> OrgaUnitOfWork: ...

    def __exit__(self, *exc: object) -> None: ...

    def commit(self) -> None: ...


ImporterFactory = Callable[[Any], RosterImporter]
"""Given the request's unit of work, the function that imports a file into it."""


class OrgaPages:
    """Handlers; ``PixWeb`` provides the attributes and helpers declared here."""

    unit_of_work: Callable[[], Any]
    sessions: SessionStore
    clock: Clock
    limiter: RateLimiter
    importer_for: ImporterFactory | None
    render: Callable[..., Response]
    _session: Callable[[Request], tuple[str | None, dict[str, Any]]]
    _start_login: Callable[..., Response]

    # --- Pix Orga ----------------------------------------------------------------------

    def on_orga_login(self, request: Request) -> Response:
        session_id: str | None
        if request.method == "GET":
            session_id, data, fresh = self._form_session(request)
            return self._with_cookie(self._orga_login_page(data), session_id if fresh else None)
        session_id, data = self._session(request)
        self._check_csrf(request, session_id, data)
        email = request.form.get("email", "")
        # Counted before the password is checked; behind reverse proxies the address
        # comes from X-Forwarded-For, as far back as PIX_TRUSTED_PROXIES says (app.py).
        self.limiter.hit(ORGA_LOGIN_PER_IP, request.remote_addr or "unknown")
        self.limiter.hit(ORGA_LOGIN_PER_ACCOUNT, normalize_email(email))
        try:
            with self.unit_of_work() as uow:
                user_id = log_in_to_pix_orga(
                    email, request.form.get("password", ""), uow.methods, self.clock
                )
                uow.commit()
        except OrgaLoginFailed:
            log.info("Pix Orga login refused")  # never the e-mail
            return self._orga_login_page(data, status=401, failed=True, email=email)
        if session_id is not None:
            self.sessions.delete(session_id)  # a new id at login: no session fixation
        new_id = self.sessions.create(
            {"user_id": user_id, "csrf": secrets.token_urlsafe(32)}, self.clock()
        )
        log.info("Pix Orga login succeeded")
        return self._with_cookie(redirect(ORGA_HOME, code=303), new_id)

    def on_orga_home(self, request: Request) -> Response:
        _, data = self._session(request)
        user_id = data.get("user_id")
        if not isinstance(user_id, int):
            return redirect(ORGA_LOGIN, code=303)
        with self.unit_of_work() as uow:
            try:
                mine = list_my_organizations(user_id, uow.methods, uow.memberships)
            except PixAccountRequired:
                staff = is_gar_staff(user_id, uow.methods)
                return self._no_store(
                    self.render("orga_email_required.html", status=403, logged_in=True,
                                data=data, staff=staff)
                )
        return self._no_store(
            self.render("orga_home.html", organizations=mine, logged_in=True, data=data)
        )

    def on_orga_roster(self, request: Request, uai: str) -> Response:
        _, data = self._session(request)
        user_id = data.get("user_id")
        if not isinstance(user_id, int):
            return redirect(ORGA_LOGIN, code=303)
        with self.unit_of_work() as uow:
            roster = show_roster(
                user_id, uai, uow.organizations, uow.memberships, uow.learners
            )
        return self._no_store(
            self.render("orga_roster.html", roster=roster, logged_in=True, data=data)
        )

    def on_orga_import(self, request: Request, uai: str) -> Response:
        try:
            return self._orga_import(request, uai)
        finally:
            request.close()  # the uploaded file's temporary storage

    def _orga_import(self, request: Request, uai: str) -> Response:
        session_id, data = self._session(request)
        user_id = data.get("user_id")
        if not isinstance(user_id, int):
            return redirect(ORGA_LOGIN, code=303)
        result, missing = None, False
        if request.method == "POST":
            request.max_content_length = MAX_UPLOAD_BYTES
            self._check_csrf(request, session_id, data)
        with self.unit_of_work() as uow:
            authorize_member(user_id, uai, uow.organizations, uow.memberships, admin=True)
            upload = request.files.get(UPLOAD_FIELD) if request.method == "POST" else None
            missing = request.method == "POST" and (upload is None or not upload.filename)
            if upload is not None and upload.filename:
                if self.importer_for is None:
                    raise RuntimeError("no SIECLE importer wired")
                result = upload_siecle_roster(
                    user_id, uai, upload.filename, cast(BinaryIO, upload.stream),
                    organizations=uow.organizations, memberships=uow.memberships,
                    importer=self.importer_for(uow),
                )
                if result.ok:
                    uow.commit()
                log.info("SIECLE upload ok=%s problems=%d", result.ok, len(result.problems))
        failed = missing or (result is not None and not result.ok)
        return self._no_store(
            self.render(
                "orga_import.html",
                status=400 if failed else 200,
                uai=uai,
                result=result,
                missing_file=missing,
                upload_field=UPLOAD_FIELD,
                logged_in=True,
                data=data,
            )
        )

    # --- "Avant de commencer" -----------------------------------------------------------

    def on_reconcile(self, request: Request, uai: str) -> Response:
        session_id, data = self._session(request)
        user_id = data.get("user_id")
        if not isinstance(user_id, int):
            return self._start_login(request, login_hint=None,
                                     next_path=request.full_path.rstrip("?"))
        answers, invalid = None, False
        if request.method == "POST":
            self._check_csrf(request, session_id, data)
            self.limiter.hit(RECONCILIATION_PER_USER, str(user_id))
            answers = _answers(request.form)
            invalid = answers is None
        with self.unit_of_work() as uow:
            outcome = reconcile_learner(
                user_id, uai, answers,
                organizations=uow.organizations, learners=uow.learners,
                users=uow.users, methods=uow.methods, clock=self.clock,
            )
            uow.commit()
        log.info("reconciliation status=%s", outcome.status.value)
        suite = campaign_return_path(request.args.get("suite"))
        if suite is not None and outcome.status in READY_STATUSES:
            return redirect(suite, code=303)  # back to the campaign being joined
        form = request.form if request.method == "POST" else {}
        return self._no_store(
            self.render(
                "avant_de_commencer.html",
                uai=uai,
                outcome=outcome,
                invalid_date=invalid,
                form=form,
                suite=suite,
                logged_in=True,
                data=data,
            )
        )

    # --- helpers -----------------------------------------------------------------------

    def _orga_login_page(self, data: dict[str, Any], status: int = 200, failed: bool = False,
                         email: str = "") -> Response:
        response = self.render("orga_login.html", status=status, failed=failed, email=email,
                               logged_in=False, data=data)
        return self._no_store(response)

    def _form_session(self, request: Request) -> tuple[str, dict[str, Any], bool]:
        """The session holding the CSRF token of a form; created for anonymous visitors."""
        session_id, data = self._session(request)
        if session_id is not None and data.get("csrf"):
            return session_id, data, False
        data = {**data, "csrf": secrets.token_urlsafe(32)}
        return self.sessions.create(data, self.clock()), data, True

    def _with_cookie(self, response: Response, session_id: str | None) -> Response:
        if session_id is not None:
            set_session_cookie(response, session_id, self.sessions.lifetime)
        return response

    @staticmethod
    def _check_csrf(request: Request, session_id: str | None, data: dict[str, Any]) -> None:
        expected = str(data.get("csrf", ""))
        sent = request.form.get("csrf_token", "")
        if session_id is None or not expected or not hmac.compare_digest(sent, expected):
            raise CsrfRejected()

    @staticmethod
    def _no_store(response: Response) -> Response:
        response.headers["Cache-Control"] = "no-store"
        return response


READY_STATUSES = frozenset({ReconciliationStatus.NO_ROSTER, ReconciliationStatus.TIED,
                            ReconciliationStatus.ALREADY_IDENTIFIED})
_CAMPAIGN_PATH = re.compile(r"^/campagnes/[A-Z]{6}[0-9]{3}$")


def campaign_return_path(suite: str | None) -> str | None:
    """Where "Avant de commencer" sends the pupil back: only a campaign page of ours."""
    return suite if suite and _CAMPAIGN_PATH.match(suite) else None


def _answers(form: Any) -> Answers | None:
    try:
        birthdate = date(int(form.get("annee", "")), int(form.get("mois", "")),
                         int(form.get("jour", "")))
    except ValueError:
        return None
    return Answers(
        last_name=form.get("nom", "")[:200],
        first_name=form.get("prenom", "")[:200],
        birthdate=birthdate,
    )
