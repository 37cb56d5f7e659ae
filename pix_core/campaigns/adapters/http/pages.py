"""Campaign pages: Pix Orga's (create, list, dashboard, CSV export, archive) and the pupil's
("Parcours", the campaign page, sharing results).

Every POST carries the session's CSRF token; every organisation route asks
``authorize_member`` (through the use cases); a pupil only ever reaches their own
participation (looked up by the session's user id). A pupil who clicks "Je commence" and
must first go through "Avant de commencer" comes back to the campaign page, which finishes
the join they asked for and sends them to the first challenge (session key ``joining``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from werkzeug import Request, Response
from werkzeug.routing import Rule
from werkzeug.utils import redirect

from pix_core.campaigns.domain.campaigns import (
    CAMPAIGN_CODE_PER_USER,
    is_valid_code,
    normalize_code,
)
from pix_core.campaigns.domain.dashboard import format_rate
from pix_core.campaigns.domain.errors import CampaignNotFound, InvalidCampaign
from pix_core.campaigns.domain.participations import ParticipationStatus
from pix_core.campaigns.domain.target_profiles import TargetCatalog
from pix_core.campaigns.usecases.archive_campaign import archive_campaign
from pix_core.campaigns.usecases.create_campaign import create_campaign
from pix_core.campaigns.usecases.join_campaign import join_campaign
from pix_core.campaigns.usecases.list_campaigns import list_campaigns
from pix_core.campaigns.usecases.share_campaign_results import share_campaign_results
from pix_core.campaigns.usecases.show_campaign_dashboard import Dashboard, show_campaign_dashboard
from pix_core.campaigns.usecases.show_my_participation import show_my_participation
from pix_core.shared.adapters.http.kit import Templates, WebKit, no_store, user_id_of

log = logging.getLogger(__name__)

ORGA_LOGIN = "/orga/connexion"  # accounts' page
PARCOURS = "/parcours"
JOINING = "joining"  # session: the campaign code a pupil asked to join, during the detour

AssessmentPath = Callable[[int], str]
"""Where the pupil answers an assessment (evaluation's page, wired by ``create_app``)."""


class CampaignPages:
    rules = (
        Rule("/orga/<uai>/campagnes", endpoint="orga_campaigns", methods=["GET", "POST"]),
        Rule("/orga/<uai>/campagnes/<code>", endpoint="orga_campaign", methods=["GET"]),
        Rule("/orga/<uai>/campagnes/<code>/export.csv", endpoint="orga_campaign_csv",
             methods=["GET"]),
        Rule("/orga/<uai>/campagnes/<code>/archiver", endpoint="orga_campaign_archive",
             methods=["POST"]),
        Rule(PARCOURS, endpoint="parcours", methods=["GET", "POST"]),
        Rule("/campagnes/<code>", endpoint="campaign", methods=["GET", "POST"]),
        Rule("/campagnes/<code>/partager", endpoint="campaign_share", methods=["POST"]),
    )

    def __init__(self, kit: WebKit, unit_of_work: Callable[[], Any], catalog: TargetCatalog,
                 assessment_path: AssessmentPath) -> None:
        self.kit = kit
        self.unit_of_work = unit_of_work
        self.catalog = catalog  # what campaigns may target
        self.assessment_path = assessment_path
        self.templates = Templates(__package__)

    # --- Pix Orga -----------------------------------------------------------------------

    def on_orga_campaigns(self, request: Request, uai: str) -> Response:
        session_id, data, user_id = self.kit.signed_in(request, otherwise=ORGA_LOGIN)
        problem = None
        with self.unit_of_work() as uow:
            if request.method == "POST":
                self.kit.check_csrf(request, session_id, data)
                try:
                    campaign = create_campaign(
                        user_id, uai, request.form.get("name", ""),
                        request.form.getlist("target"), organizations=uow.organizations,
                        memberships=uow.memberships, campaigns=uow.campaigns,
                        catalog=self.catalog, clock=self.kit.clock)
                    uow.commit()
                except InvalidCampaign as invalid:
                    problem = invalid.kind
                else:
                    log.info("campaign created")
                    return redirect(f"/orga/{quote(uai)}/campagnes/{campaign.code}", code=303)
            listing = list_campaigns(user_id, uai, organizations=uow.organizations,
                                     memberships=uow.memberships, campaigns=uow.campaigns,
                                     participations=uow.participations)
        return no_store(self.templates.render(
            "orga_campaigns.html", status=400 if problem else 200, listing=listing,
            areas=self.catalog.areas(), problem=problem,
            form=request.form if problem else {},
            chosen=set(request.form.getlist("target")) if problem else set(),
            logged_in=True, data=data))

    def on_orga_campaign(self, request: Request, uai: str, code: str) -> Response:
        dashboard, data = self._member_dashboard(request, uai, code)
        if dashboard is None:
            return redirect(ORGA_LOGIN, code=303)
        link = f"{self.kit.config.base_url.rstrip('/')}/campagnes/{dashboard.campaign.code}"
        return no_store(self.templates.render(
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
        return no_store(response)

    def on_orga_campaign_archive(self, request: Request, uai: str, code: str) -> Response:
        session_id, data, user_id = self.kit.signed_in(request, otherwise=ORGA_LOGIN)
        self.kit.check_csrf(request, session_id, data)
        with self.unit_of_work() as uow:
            campaign = archive_campaign(user_id, uai, code, organizations=uow.organizations,
                                        memberships=uow.memberships, campaigns=uow.campaigns,
                                        clock=self.kit.clock)
            uow.commit()
        log.info("campaign archived")
        return redirect(f"/orga/{quote(uai)}/campagnes/{campaign.code}", code=303)

    # --- pupils -------------------------------------------------------------------------

    def on_parcours(self, request: Request) -> Response:
        session_id, data, user_id = self.kit.signed_in(request, login_then=PARCOURS)
        problem = None
        if request.method == "POST":
            self.kit.check_csrf(request, session_id, data)
            self.kit.limiter.hit(CAMPAIGN_CODE_PER_USER, str(user_id))
            code = normalize_code(request.form.get("code", ""))[:32]
            if is_valid_code(code):
                with self.unit_of_work() as uow:
                    found = uow.campaigns.get_by_code(code)
                if found is not None:
                    return redirect(f"/campagnes/{found.code}", code=303)
            problem = "unknown_code"
            log.info("campaign code refused")
        return no_store(self.templates.render(
            "parcours.html", status=404 if problem else 200, problem=problem,
            logged_in=True, data=data))

    def on_campaign(self, request: Request, code: str) -> Response:
        session_id, data = self.kit.session(request)
        user_id = user_id_of(data)
        code = normalize_code(code)
        if not is_valid_code(code):
            raise CampaignNotFound("campaign_code_invalid")
        here = f"/campagnes/{code}"
        if user_id is None:
            return self.kit.start_login(request, here)
        if request.method == "POST":
            self.kit.check_csrf(request, session_id, data)
            joining = True
        else:  # back from "Avant de commencer": the join the pupil asked for goes on
            joining = self._resumed_join(session_id, data, code)
        if joining:
            detour = self._join(user_id, code, session_id, data, first=request.method == "POST")
            if detour is not None:
                return detour
        with self.unit_of_work() as uow:
            mine = show_my_participation(user_id, code, campaigns=uow.campaigns,
                                         participations=uow.participations,
                                         assessments=uow.campaign_assessments)
            uow.commit()
        in_progress = None if mine.assessment_id is None else self.assessment_path(
            mine.assessment_id)
        if joining and in_progress is not None:
            return redirect(in_progress, code=303)
        return no_store(self.templates.render(
            "campagne.html", mine=mine, continue_path=in_progress,
            statuses=ParticipationStatus, logged_in=True, data=data))

    def on_campaign_share(self, request: Request, code: str) -> Response:
        code = normalize_code(code)
        session_id, data, user_id = self.kit.signed_in(request, login_then=f"/campagnes/{code}")
        self.kit.check_csrf(request, session_id, data)
        with self.unit_of_work() as uow:
            share_campaign_results(user_id, code, campaigns=uow.campaigns,
                                   participations=uow.participations,
                                   assessments=uow.campaign_assessments, clock=self.kit.clock)
            uow.commit()
        log.info("campaign results shared")
        return redirect(f"/campagnes/{code}", code=303)

    # --- helpers ------------------------------------------------------------------------

    def _member_dashboard(self, request: Request, uai: str, code: str
                          ) -> tuple[Dashboard | None, dict[str, Any]]:
        """The campaign's dashboard for the logged-in member, or None when not logged in."""
        _, data = self.kit.session(request)
        user_id = user_id_of(data)
        if user_id is None:
            return None, data
        with self.unit_of_work() as uow:
            dashboard = show_campaign_dashboard(
                user_id, uai, code, organizations=uow.organizations,
                memberships=uow.memberships, campaigns=uow.campaigns,
                participations=uow.participations)
        return dashboard, data

    def _join(self, user_id: int, code: str, session_id: str | None, data: dict[str, Any],
              first: bool) -> Response | None:
        """Join; the redirect to "Avant de commencer" when the roster must be asked first
        (the first time only: a pupil sent back unidentified sees the campaign page)."""
        with self.unit_of_work() as uow:
            outcome = join_campaign(
                user_id, code, campaigns=uow.campaigns, participations=uow.participations,
                learners=uow.learners, assessments=uow.campaign_assessments,
                clock=self.kit.clock)
            uow.commit()
        if outcome.reconcile_in is None:
            log.info("campaign joined (new participation: %s)", outcome.created)
            return None
        if not first:
            return None
        if session_id is not None:
            self.kit.sessions.save(session_id, {**data, JOINING: code})
        here = quote(f"/campagnes/{code}")
        return redirect(f"/organisations/{quote(outcome.reconcile_in)}"
                        f"/avant-de-commencer?suite={here}", code=303)

    def _resumed_join(self, session_id: str | None, data: dict[str, Any], code: str) -> bool:
        """True once after "Avant de commencer" sent back the pupil who asked to join."""
        if session_id is None or data.get(JOINING) != code:
            return False
        data.pop(JOINING)
        self.kit.sessions.save(session_id, data)
        return True
