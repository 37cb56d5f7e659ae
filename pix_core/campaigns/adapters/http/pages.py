"""Campaign pages (Pix Orga side and pupil side) and members/invitations, mixed into ``PixWeb``.

Routes are in web.py (``CAMPAIGN_RULES``). Every POST carries the session's CSRF token;
every organisation route asks ``authorize_member`` (through the use cases); a pupil only
ever reaches their own participation (looked up by the session's user id).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from werkzeug import Request, Response
from werkzeug.routing import Rule
from werkzeug.utils import redirect

from kernel.clock import Clock
from pix_core.adapters.http.sessions import SessionStore
from pix_core.domain.campaigns import (
    CampaignNotFound,
    InvalidCampaign,
    ParticipationStatus,
    TargetArea,
    TargetCatalog,
    TargetChoice,
    format_rate,
    is_valid_code,
    normalize_code,
)
from pix_core.domain.invitations import InvitationRefused
from pix_core.domain.rate_limit import (
    CAMPAIGN_CODE_PER_USER,
    ORGA_LOGIN_PER_ACCOUNT,
    RateLimiter,
)
from pix_core.usecases.accept_invitation import NewAccount, accept_invitation, show_invitation
from pix_core.usecases.archive_campaign import archive_campaign
from pix_core.usecases.create_campaign import create_campaign
from pix_core.usecases.invite_member import invite_member, list_members
from pix_core.usecases.join_campaign import join_campaign
from pix_core.usecases.list_campaigns import list_campaigns
from pix_core.usecases.share_campaign_results import share_campaign_results
from pix_core.usecases.show_campaign_dashboard import show_campaign_dashboard
from pix_core.usecases.show_my_participation import show_my_participation

log = logging.getLogger(__name__)

ORGA_LOGIN = "/orga/connexion"
PARCOURS = "/parcours"

CAMPAIGN_RULES = [
    Rule("/orga/<uai>/membres", endpoint="orga_members", methods=["GET", "POST"]),
    Rule("/orga/invitations/<token>", endpoint="orga_invitation", methods=["GET", "POST"]),
    Rule("/orga/<uai>/campagnes", endpoint="orga_campaigns", methods=["GET", "POST"]),
    Rule("/orga/<uai>/campagnes/<code>", endpoint="orga_campaign", methods=["GET"]),
    Rule("/orga/<uai>/campagnes/<code>/export.csv", endpoint="orga_campaign_csv",
         methods=["GET"]),
    Rule("/orga/<uai>/campagnes/<code>/archiver", endpoint="orga_campaign_archive",
         methods=["POST"]),
    Rule(PARCOURS, endpoint="parcours", methods=["GET", "POST"]),
    Rule("/campagnes/<code>", endpoint="campaign", methods=["GET", "POST"]),
    Rule("/campagnes/<code>/partager", endpoint="campaign_share", methods=["POST"]),
]


class EmptyCatalog:
    def areas(self) -> list[TargetArea]:
        return []

    def choices(self) -> list[TargetChoice]:
        return []


class CampaignPages:
    """Handlers; ``PixWeb`` provides the attributes and helpers declared here."""

    unit_of_work: Callable[[], Any]
    sessions: SessionStore
    clock: Clock
    limiter: RateLimiter
    catalog: TargetCatalog
    config: Any
    render: Callable[..., Response]
    _session: Callable[[Request], tuple[str | None, dict[str, Any]]]
    _start_login: Callable[..., Response]
    _check_csrf: Callable[[Request, str | None, dict[str, Any]], None]
    _no_store: Callable[[Response], Response]
    _with_cookie: Callable[[Response, str | None], Response]
    _form_session: Callable[[Request], tuple[str, dict[str, Any], bool]]

    # --- members and invitations ---------------------------------------------------------

    def on_orga_members(self, request: Request, uai: str) -> Response:
        session_id, data = self._session(request)
        user_id = data.get("user_id")
        if not isinstance(user_id, int):
            return redirect(ORGA_LOGIN, code=303)
        sent, problem, status = None, None, 200
        with self.unit_of_work() as uow:
            if request.method == "POST":
                self._check_csrf(request, session_id, data)
                try:
                    sent = invite_member(
                        user_id, uai, request.form.get("email", ""),
                        organizations=uow.organizations, memberships=uow.memberships,
                        invitations=uow.invitations, members=uow.members, clock=self.clock)
                    uow.commit()
                    log.info("invitation created")
                except InvitationRefused as refused:
                    problem, status = refused.kind, 400
            page = list_members(user_id, uai, organizations=uow.organizations,
                                memberships=uow.memberships, invitations=uow.invitations,
                                members=uow.members)
        link = None
        if sent is not None:
            link = f"{self.config.base_url.rstrip('/')}/orga/invitations/{sent.token}"
        return self._no_store(self.render(
            "orga_members.html", status=status, page=page, link=link, problem=problem,
            email=request.form.get("email", "") if problem else "", logged_in=True, data=data))

    def on_orga_invitation(self, request: Request, token: str) -> Response:
        session_id: str | None
        if request.method == "GET":
            session_id, data, fresh = self._form_session(request)
            with self.unit_of_work() as uow:
                view = show_invitation(token, invitations=uow.invitations, methods=uow.methods,
                                       clock=self.clock)
            page = self._invitation_page(view, data, token)
            return self._with_cookie(page, session_id if fresh else None)
        session_id, data = self._session(request)
        self._check_csrf(request, session_id, data)
        form = request.form
        logged = data.get("user_id") if isinstance(data.get("user_id"), int) else None
        new_account = None
        if form.get("action") == "creer":
            new_account = NewAccount(form.get("prenom", ""), form.get("nom", ""),
                                     form.get("password", ""))
        with self.unit_of_work() as uow:
            view = show_invitation(token, invitations=uow.invitations, methods=uow.methods,
                                   clock=self.clock)
            if view.account_exists and logged is None:
                self.limiter.hit(ORGA_LOGIN_PER_ACCOUNT, view.invitation.email)
            try:
                user_id = accept_invitation(
                    token, logged_in_user_id=logged, password=form.get("password"),
                    new_account=new_account, invitations=uow.invitations, users=uow.users,
                    methods=uow.methods, memberships=uow.memberships, clock=self.clock)
                uow.commit()
            except InvitationRefused as refused:
                log.info("invitation refused kind=%s", refused.kind)
                return self._invitation_page(view, data, token, status=400,
                                             problem=refused.kind)
        log.info("invitation accepted")
        if session_id is not None:
            self.sessions.delete(session_id)  # a new id at login: no session fixation
        new_id = self.sessions.create(
            {"user_id": user_id, "csrf": secrets.token_urlsafe(32)}, self.clock())
        return self._with_cookie(redirect("/orga", code=303), new_id)

    def _invitation_page(self, view: Any, data: dict[str, Any], token: str, status: int = 200,
                         problem: str | None = None) -> Response:
        logged = data.get("user_id") if isinstance(data.get("user_id"), int) else None
        return self._no_store(self.render(
            "orga_invitation.html", status=status, view=view, token=token, problem=problem,
            logged_in=logged is not None, data=data))

    # --- campaigns (Pix Orga) -----------------------------------------------------------

    def on_orga_campaigns(self, request: Request, uai: str) -> Response:
        session_id, data = self._session(request)
        user_id = data.get("user_id")
        if not isinstance(user_id, int):
            return redirect(ORGA_LOGIN, code=303)
        problem = None
        with self.unit_of_work() as uow:
            if request.method == "POST":
                self._check_csrf(request, session_id, data)
                try:
                    campaign = create_campaign(
                        user_id, uai, request.form.get("name", ""),
                        request.form.getlist("target"), organizations=uow.organizations,
                        memberships=uow.memberships, campaigns=uow.campaigns,
                        catalog=self.catalog, clock=self.clock)
                    uow.commit()
                except InvalidCampaign as invalid:
                    problem = invalid.kind
                else:
                    log.info("campaign created")
                    return redirect(f"/orga/{quote(uai)}/campagnes/{campaign.code}", code=303)
            listing = list_campaigns(user_id, uai, organizations=uow.organizations,
                                     memberships=uow.memberships, campaigns=uow.campaigns,
                                     participations=uow.participations)
        return self._no_store(self.render(
            "orga_campaigns.html", status=400 if problem else 200, listing=listing,
            areas=self.catalog.areas(), problem=problem,
            form=request.form if problem else {},
            chosen=set(request.form.getlist("target")) if problem else set(),
            logged_in=True, data=data))

    def _member_dashboard(self, request: Request, uai: str, code: str):
        """The campaign's dashboard for the logged-in member, or None when not logged in."""
        _, data = self._session(request)
        user_id = data.get("user_id")
        if not isinstance(user_id, int):
            return None, data
        with self.unit_of_work() as uow:
            dashboard = show_campaign_dashboard(
                user_id, uai, code, organizations=uow.organizations,
                memberships=uow.memberships, campaigns=uow.campaigns,
                participations=uow.participations)
        return dashboard, data

    def on_orga_campaign(self, request: Request, uai: str, code: str) -> Response:
        dashboard, data = self._member_dashboard(request, uai, code)
        if dashboard is None:
            return redirect(ORGA_LOGIN, code=303)
        link = f"{self.config.base_url.rstrip('/')}/campagnes/{dashboard.campaign.code}"
        return self._no_store(self.render(
            "orga_campaign.html", dashboard=dashboard, link=link, format_rate=format_rate,
            logged_in=True, data=data))

    def on_orga_campaign_csv(self, request: Request, uai: str, code: str) -> Response:
        dashboard, _ = self._member_dashboard(request, uai, code)
        if dashboard is None:
            return redirect(ORGA_LOGIN, code=303)
        response = Response(dashboard.csv(), mimetype="text/csv")
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
        response.headers["Content-Disposition"] = (
            f'attachment; filename="parcours-{dashboard.campaign.code}.csv"')
        return self._no_store(response)

    def on_orga_campaign_archive(self, request: Request, uai: str, code: str) -> Response:
        session_id, data = self._session(request)
        user_id = data.get("user_id")
        if not isinstance(user_id, int):
            return redirect(ORGA_LOGIN, code=303)
        self._check_csrf(request, session_id, data)
        with self.unit_of_work() as uow:
            campaign = archive_campaign(user_id, uai, code, organizations=uow.organizations,
                                        memberships=uow.memberships, campaigns=uow.campaigns,
                                        clock=self.clock)
            uow.commit()
        log.info("campaign archived")
        return redirect(f"/orga/{quote(uai)}/campagnes/{campaign.code}", code=303)

    # --- campaigns (pupils) -------------------------------------------------------------

    def on_parcours(self, request: Request) -> Response:
        session_id, data = self._session(request)
        user_id = data.get("user_id")
        if not isinstance(user_id, int):
            return self._start_login(request, login_hint=None, next_path=PARCOURS)
        problem = None
        if request.method == "POST":
            self._check_csrf(request, session_id, data)
            self.limiter.hit(CAMPAIGN_CODE_PER_USER, str(user_id))
            code = normalize_code(request.form.get("code", ""))[:32]
            if is_valid_code(code):
                with self.unit_of_work() as uow:
                    found = uow.campaigns.get_by_code(code)
                if found is not None:
                    return redirect(f"/campagnes/{found.code}", code=303)
            problem = "unknown_code"
            log.info("campaign code refused")
        return self._no_store(self.render(
            "parcours.html", status=404 if problem else 200, problem=problem,
            logged_in=True, data=data))

    def on_campaign(self, request: Request, code: str) -> Response:
        session_id, data = self._session(request)
        user_id = data.get("user_id")
        code = normalize_code(code)
        if not is_valid_code(code):
            raise CampaignNotFound("campaign_code_invalid")
        here = f"/campagnes/{code}"
        if not isinstance(user_id, int):
            return self._start_login(request, login_hint=None, next_path=here)
        if request.method == "POST":
            self._check_csrf(request, session_id, data)
            with self.unit_of_work() as uow:
                outcome = join_campaign(
                    user_id, code, campaigns=uow.campaigns, participations=uow.participations,
                    learners=uow.learners, assessments=uow.campaign_assessments, clock=self.clock)
                uow.commit()
            if outcome.reconcile_in is not None:
                return redirect(f"/organisations/{quote(outcome.reconcile_in)}"
                                f"/avant-de-commencer?suite={quote(here)}", code=303)
            log.info("campaign joined (new participation: %s)", outcome.created)
        with self.unit_of_work() as uow:
            mine = show_my_participation(user_id, code, campaigns=uow.campaigns,
                                         participations=uow.participations,
                                         assessments=uow.campaign_assessments)
            uow.commit()
        if request.method == "POST" and mine.assessment_path:
            return redirect(mine.assessment_path, code=303)
        return self._no_store(self.render(
            "campagne.html", mine=mine, statuses=ParticipationStatus, logged_in=True,
            data=data))

    def on_campaign_share(self, request: Request, code: str) -> Response:
        session_id, data = self._session(request)
        user_id = data.get("user_id")
        code = normalize_code(code)
        if not isinstance(user_id, int):
            return self._start_login(request, login_hint=None, next_path=f"/campagnes/{code}")
        self._check_csrf(request, session_id, data)
        with self.unit_of_work() as uow:
            share_campaign_results(user_id, code, campaigns=uow.campaigns,
                                   participations=uow.participations,
                                   assessments=uow.campaign_assessments, clock=self.clock)
            uow.commit()
        log.info("campaign results shared")
        return redirect(f"/campagnes/{code}", code=303)

