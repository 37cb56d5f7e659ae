"""Pix Orga's pages (home, roster, import, members, invitations) and "Avant de commencer".

Every POST carries the session's CSRF token; every organisation route asks
``authorize_member`` (through the use cases); accepting an invitation logs in with a new
session id.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date
from typing import Any, BinaryIO, cast

from werkzeug import Request, Response
from werkzeug.routing import Rule
from werkzeug.utils import redirect

from pix_core.accounts.domain.errors import PixAccountRequired
from pix_core.accounts.domain.login_limits import ORGA_LOGIN_PER_ACCOUNT
from pix_core.accounts.usecases.is_gar_staff import is_gar_staff
from pix_core.orga.domain.errors import InvitationRefused
from pix_core.orga.domain.reconciliation import RECONCILIATION_PER_USER, Answers
from pix_core.orga.usecases.accept_invitation import NewAccount, accept_invitation
from pix_core.orga.usecases.authorize_member import authorize_member
from pix_core.orga.usecases.invite_member import invite_member
from pix_core.orga.usecases.list_members import list_members
from pix_core.orga.usecases.list_my_organizations import list_my_organizations
from pix_core.orga.usecases.reconcile_learner import reconcile_learner
from pix_core.orga.usecases.show_invitation import InvitationView, show_invitation
from pix_core.orga.usecases.show_roster import show_roster
from pix_core.orga.usecases.upload_siecle_roster import RosterImporter, upload_siecle_roster
from pix_core.shared.adapters.http.kit import Templates, WebKit, no_store, user_id_of

log = logging.getLogger(__name__)

ORGA_HOME = "/orga"
ORGA_LOGIN = "/orga/connexion"  # accounts' page
MAX_UPLOAD_BYTES = 32 * 2**20
UPLOAD_FIELD = "fichier"
_CAMPAIGN_PATH = re.compile(r"^/campagnes/[A-Z]{6}[0-9]{3}$")

ImporterFactory = Callable[[Any], RosterImporter]
"""Given the request's unit of work, the function that imports a file into it."""


class OrgaPages:
    rules = (
        Rule(ORGA_HOME, endpoint="orga_home", methods=["GET"]),
        Rule("/orga/<uai>/eleves", endpoint="orga_roster", methods=["GET"]),
        Rule("/orga/<uai>/import", endpoint="orga_import", methods=["GET", "POST"]),
        Rule("/orga/<uai>/membres", endpoint="orga_members", methods=["GET", "POST"]),
        Rule("/orga/invitations/<token>", endpoint="orga_invitation", methods=["GET", "POST"]),
        Rule("/organisations/<uai>/avant-de-commencer", endpoint="reconcile",
             methods=["GET", "POST"]),
    )

    def __init__(self, kit: WebKit, unit_of_work: Callable[[], Any],
                 importer_for: ImporterFactory | None = None) -> None:
        self.kit = kit
        self.unit_of_work = unit_of_work
        self.importer_for = importer_for
        self.templates = Templates(__package__)

    def on_orga_home(self, request: Request) -> Response:
        _, data, user_id = self.kit.signed_in(request, otherwise=ORGA_LOGIN)
        with self.unit_of_work() as uow:
            try:
                mine = list_my_organizations(user_id, uow.methods, uow.memberships)
            except PixAccountRequired:
                staff = is_gar_staff(user_id, uow.methods)
                return no_store(self.templates.render(
                    "orga_email_required.html", status=403, logged_in=True, data=data,
                    staff=staff))
        return no_store(self.templates.render(
            "orga_home.html", organizations=mine, logged_in=True, data=data))

    def on_orga_roster(self, request: Request, uai: str) -> Response:
        _, data, user_id = self.kit.signed_in(request, otherwise=ORGA_LOGIN)
        with self.unit_of_work() as uow:
            roster = show_roster(user_id, uai, uow.organizations, uow.memberships, uow.learners)
        return no_store(self.templates.render(
            "orga_roster.html", roster=roster, logged_in=True, data=data))

    def on_orga_import(self, request: Request, uai: str) -> Response:
        try:
            return self._orga_import(request, uai)
        finally:
            request.close()  # the uploaded file's temporary storage

    def on_orga_members(self, request: Request, uai: str) -> Response:
        session_id, data, user_id = self.kit.signed_in(request, otherwise=ORGA_LOGIN)
        sent, problem, status = None, None, 200
        with self.unit_of_work() as uow:
            if request.method == "POST":
                self.kit.check_csrf(request, session_id, data)
                try:
                    sent = invite_member(
                        user_id, uai, request.form.get("email", ""),
                        organizations=uow.organizations, memberships=uow.memberships,
                        invitations=uow.invitations, members=uow.members, clock=self.kit.clock)
                    uow.commit()
                    log.info("invitation created")
                except InvitationRefused as refused:
                    problem, status = refused.kind, 400
            page = list_members(user_id, uai, organizations=uow.organizations,
                                memberships=uow.memberships, invitations=uow.invitations,
                                members=uow.members)
        link = None
        if sent is not None:
            link = f"{self.kit.config.base_url.rstrip('/')}/orga/invitations/{sent.token}"
        return no_store(self.templates.render(
            "orga_members.html", status=status, page=page, link=link, problem=problem,
            email=request.form.get("email", "") if problem else "", logged_in=True, data=data))

    def on_orga_invitation(self, request: Request, token: str) -> Response:
        if request.method == "GET":
            fresh_id, data, fresh = self.kit.form_session(request)
            with self.unit_of_work() as uow:
                view = show_invitation(token, invitations=uow.invitations, methods=uow.methods,
                                       clock=self.kit.clock)
            page = self._invitation_page(view, data, token)
            return self.kit.with_cookie(page, fresh_id if fresh else None)
        session_id, data = self.kit.session(request)
        self.kit.check_csrf(request, session_id, data)
        form = request.form
        logged = user_id_of(data)
        new_account = None
        if form.get("action") == "creer":
            new_account = NewAccount(form.get("prenom", ""), form.get("nom", ""),
                                     form.get("password", ""))
        with self.unit_of_work() as uow:
            view = show_invitation(token, invitations=uow.invitations, methods=uow.methods,
                                   clock=self.kit.clock)
            if view.account_exists and logged is None:
                self.kit.limiter.hit(ORGA_LOGIN_PER_ACCOUNT, view.invitation.email)
            try:
                user_id = accept_invitation(
                    token, logged_in_user_id=logged, password=form.get("password"),
                    new_account=new_account, invitations=uow.invitations, users=uow.users,
                    methods=uow.methods, memberships=uow.memberships, clock=self.kit.clock)
                uow.commit()
            except InvitationRefused as refused:
                log.info("invitation refused kind=%s", refused.kind)
                return self._invitation_page(view, data, token, status=400,
                                             problem=refused.kind)
        log.info("invitation accepted")
        return self.kit.log_in(redirect(ORGA_HOME, code=303), session_id, user_id)

    def on_reconcile(self, request: Request, uai: str) -> Response:
        session_id, data, user_id = self.kit.signed_in(
            request, login_then=request.full_path.rstrip("?"))
        answers, invalid = None, False
        if request.method == "POST":
            self.kit.check_csrf(request, session_id, data)
            self.kit.limiter.hit(RECONCILIATION_PER_USER, str(user_id))
            answers = _answers(request.form)
            invalid = answers is None
        with self.unit_of_work() as uow:
            outcome = reconcile_learner(
                user_id, uai, answers, organizations=uow.organizations, learners=uow.learners,
                users=uow.users, methods=uow.methods, clock=self.kit.clock)
            uow.commit()
        log.info("reconciliation status=%s", outcome.status.value)
        suite = campaign_return_path(request.args.get("suite"))
        if suite is not None and outcome.is_ready:
            return redirect(suite, code=303)  # back to the campaign being joined
        return no_store(self.templates.render(
            "avant_de_commencer.html", uai=uai, outcome=outcome, invalid_date=invalid,
            form=request.form if request.method == "POST" else {}, suite=suite,
            logged_in=True, data=data))

    def _orga_import(self, request: Request, uai: str) -> Response:
        session_id, data, user_id = self.kit.signed_in(request, otherwise=ORGA_LOGIN)
        result, missing = None, False
        if request.method == "POST":
            request.max_content_length = MAX_UPLOAD_BYTES
            self.kit.check_csrf(request, session_id, data)
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
                    importer=self.importer_for(uow))
                if result.ok:
                    uow.commit()
                log.info("SIECLE upload ok=%s problems=%d", result.ok, len(result.problems))
        failed = missing or (result is not None and not result.ok)
        return no_store(self.templates.render(
            "orga_import.html", status=400 if failed else 200, uai=uai, result=result,
            missing_file=missing, upload_field=UPLOAD_FIELD, logged_in=True, data=data))

    def _invitation_page(self, view: InvitationView, data: dict[str, Any], token: str,
                         status: int = 200, problem: str | None = None) -> Response:
        return no_store(self.templates.render(
            "orga_invitation.html", status=status, view=view, token=token, problem=problem,
            logged_in=user_id_of(data) is not None, data=data))


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
