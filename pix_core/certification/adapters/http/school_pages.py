"""Pix Orga's certification pages: sessions, candidates, finalisation, results.

Every route asks ``find_member_session``/``authorize_member`` through the use cases; every
POST carries the session's CSRF token.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from werkzeug import Request, Response
from werkzeug.routing import Rule
from werkzeug.utils import redirect

from pix_core.certification.domain.candidate_list import (
    CandidatePick,
    parse_extra_time,
    read_candidate_list,
)
from pix_core.certification.domain.certificates import PublishedCertificate
from pix_core.certification.domain.errors import InvalidCandidateList, LearnerCannotEnrol
from pix_core.certification.domain.sessions import CertificationSession, SessionDetails
from pix_core.certification.usecases.create_certification_session import (
    create_certification_session,
)
from pix_core.certification.usecases.enrol_candidates import enrol_candidates
from pix_core.certification.usecases.export_session_results import export_session_results
from pix_core.certification.usecases.finalise_certification_session import (
    finalise_certification_session,
)
from pix_core.certification.usecases.find_member_session import find_member_session
from pix_core.certification.usecases.list_certification_sessions import (
    list_certification_sessions,
)
from pix_core.certification.usecases.process_certification_session import (
    process_certification_session,
)
from pix_core.certification.usecases.publish_certification_session import (
    publish_certification_session,
)
from pix_core.certification.usecases.show_certificate import show_session_certificate
from pix_core.certification.usecases.show_certification_session import (
    show_certification_session,
)
from pix_core.evaluation.domain.framework import LearningContent
from pix_core.orga.usecases.authorize_member import authorize_member
from pix_core.shared.adapters.http.kit import Templates, WebKit, no_store

log = logging.getLogger(__name__)

ORGA_LOGIN = "/orga/connexion"
MAX_CSV_BYTES = 512 * 1024
SESSION = "/orga/<uai>/certification/sessions/<int:session_id>"


def session_path(uai: str, session_id: int) -> str:
    return f"/orga/{uai}/certification/sessions/{session_id}"


class SchoolPages:
    rules: tuple[Rule, ...] = (
        Rule("/orga/<uai>/certification", endpoint="orga_certification",
             methods=["GET", "POST"]),
        Rule(SESSION, endpoint="orga_certification_session", methods=["GET"]),
        Rule(f"{SESSION}/candidats", endpoint="orga_certification_enrol", methods=["POST"]),
        Rule(f"{SESSION}/candidats-csv", endpoint="orga_certification_enrol_csv",
             methods=["POST"]),
        Rule(f"{SESSION}/finaliser", endpoint="orga_certification_finalise",
             methods=["POST"]),
        Rule(f"{SESSION}/traiter", endpoint="orga_certification_process", methods=["POST"]),
        Rule(f"{SESSION}/publier", endpoint="orga_certification_publish", methods=["POST"]),
        Rule(f"{SESSION}/resultats.csv", endpoint="orga_certification_results",
             methods=["GET"]),
        Rule(f"{SESSION}/certificats/<int:candidate_id>",
             endpoint="orga_certification_certificate", methods=["GET"]),
        Rule(f"{SESSION}/certificats/<int:candidate_id>.pdf",
             endpoint="orga_certification_certificate_pdf", methods=["GET"]),
    )

    kit: WebKit
    unit_of_work: Callable[[], Any]
    content: LearningContent
    templates: Templates
    certificate_pdf: Callable[[PublishedCertificate], Response]

    def on_orga_certification(self, request: Request, uai: str) -> Response:
        session_id, data, user_id = self.kit.signed_in(request, otherwise=ORGA_LOGIN)
        with self.unit_of_work() as uow:
            if request.method == "POST":
                self.kit.check_csrf(request, session_id, data)
                authorize_member(user_id, uai, uow.organizations, uow.memberships)  # first
                created = create_certification_session(
                    user_id, uai, _details(request.form), organizations=uow.organizations,
                    memberships=uow.memberships, sessions=uow.certification_sessions,
                    clock=self.kit.clock)
                uow.commit()
                log.info("certification session created")
                return redirect(session_path(uai, created.id or 0), code=303)
            organization, sessions = list_certification_sessions(
                user_id, uai, organizations=uow.organizations, memberships=uow.memberships,
                sessions=uow.certification_sessions)
        return no_store(self.templates.render(
            "orga_certification.html", organization=organization, sessions=sessions,
            logged_in=True, data=data))

    def on_orga_certification_session(self, request: Request, uai: str,
                                      session_id: int) -> Response:
        _, data, user_id = self.kit.signed_in(request, otherwise=ORGA_LOGIN)
        with self.unit_of_work() as uow:
            view = show_certification_session(
                user_id, uai, session_id, organizations=uow.organizations,
                memberships=uow.memberships, sessions=uow.certification_sessions,
                candidates=uow.certification_candidates, learners=uow.enrollable_learners,
                certificates=uow.certificates)
        return no_store(self.templates.render(
            "orga_certification_session.html", view=view, uai=uai,
            supervision=f"{self.kit.config.base_url.rstrip('/')}/surveillance",
            logged_in=True, data=data))

    def on_orga_certification_enrol(self, request: Request, uai: str,
                                    session_id: int) -> Response:
        def picks(uow: Any, session: CertificationSession) -> list[CandidatePick]:
            return _picks(request.form, uow, session)
        return self._enrol(request, uai, session_id, picks)

    def on_orga_certification_enrol_csv(self, request: Request, uai: str,
                                        session_id: int) -> Response:
        request.max_content_length = MAX_CSV_BYTES

        def picks(uow: Any, session: CertificationSession) -> list[CandidatePick]:
            upload = request.files.get("fichier")
            if upload is None or not upload.filename:
                raise InvalidCandidateList("file_missing")
            try:
                text = upload.stream.read(MAX_CSV_BYTES).decode("utf-8")
            except UnicodeDecodeError:
                raise InvalidCandidateList("not_utf8") from None
            learners = uow.enrollable_learners.of_organization(session.organization_id)
            return read_candidate_list(text, [x for x in learners if x.is_active])
        return self._enrol(request, uai, session_id, picks)

    def on_orga_certification_finalise(self, request: Request, uai: str,
                                       session_id: int) -> Response:
        notes = {int(key[5:]): value for key, value in request.form.items()
                 if key.startswith("note-") and key[5:].isdigit()}
        return self._orga_action(request, uai, session_id, lambda uow, user_id: (
            finalise_certification_session(
                user_id, uai, session_id, request.form.get("commentaire", ""), notes,
                organizations=uow.organizations, memberships=uow.memberships,
                sessions=uow.certification_sessions, candidates=uow.certification_candidates,
                clock=self.kit.clock)))

    def on_orga_certification_process(self, request: Request, uai: str,
                                      session_id: int) -> Response:
        return self._orga_action(request, uai, session_id, lambda uow, user_id: (
            process_certification_session(
                user_id, uai, session_id, organizations=uow.organizations,
                memberships=uow.memberships, sessions=uow.certification_sessions,
                candidates=uow.certification_candidates, answers=uow.certification_answers,
                certificates=uow.certificates, clock=self.kit.clock)))

    def on_orga_certification_publish(self, request: Request, uai: str,
                                      session_id: int) -> Response:
        return self._orga_action(request, uai, session_id, lambda uow, user_id: (
            publish_certification_session(
                user_id, uai, session_id, organizations=uow.organizations,
                memberships=uow.memberships, sessions=uow.certification_sessions,
                clock=self.kit.clock)))

    def on_orga_certification_results(self, request: Request, uai: str,
                                      session_id: int) -> Response:
        _, data, user_id = self.kit.signed_in(request, otherwise=ORGA_LOGIN)
        with self.unit_of_work() as uow:
            body = export_session_results(
                user_id, uai, session_id, organizations=uow.organizations,
                memberships=uow.memberships, sessions=uow.certification_sessions,
                candidates=uow.certification_candidates, certificates=uow.certificates,
                framework=self.content.framework)
        response = Response(body, mimetype="text/csv")
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
        response.headers["Content-Disposition"] = (
            f'attachment; filename="certification-session-{session_id}.csv"')
        return no_store(response)

    def on_orga_certification_certificate(self, request: Request, uai: str, session_id: int,
                                          candidate_id: int) -> Response:
        _, data, user_id = self.kit.signed_in(request, otherwise=ORGA_LOGIN)
        with self.unit_of_work() as uow:
            shown = show_session_certificate(
                user_id, uai, session_id, candidate_id, organizations=uow.organizations,
                memberships=uow.memberships, sessions=uow.certification_sessions,
                candidates=uow.certification_candidates, certificates=uow.certificates)
        return no_store(self.templates.render(
            "certificate.html", shown=shown, framework=self.content.framework,
            pdf_path=f"{session_path(uai, session_id)}/certificats/{candidate_id}.pdf",
            printable=True, logged_in=True, data=data))

    def on_orga_certification_certificate_pdf(self, request: Request, uai: str,
                                              session_id: int, candidate_id: int) -> Response:
        _, data, user_id = self.kit.signed_in(request, otherwise=ORGA_LOGIN)
        with self.unit_of_work() as uow:
            shown = show_session_certificate(
                user_id, uai, session_id, candidate_id, organizations=uow.organizations,
                memberships=uow.memberships, sessions=uow.certification_sessions,
                candidates=uow.certification_candidates, certificates=uow.certificates)
        return self.certificate_pdf(shown)

    def _enrol(self, request: Request, uai: str, session_id: int,
               picks: Callable[[Any, CertificationSession], list[CandidatePick]]) -> Response:
        def enrol(uow: Any, user_id: int) -> None:
            _, session = find_member_session(  # a member of the organisation, before all
                user_id, uai, session_id, organizations=uow.organizations,
                memberships=uow.memberships, sessions=uow.certification_sessions)
            added = enrol_candidates(
                user_id, uai, session_id, picks(uow, session),
                organizations=uow.organizations, memberships=uow.memberships,
                sessions=uow.certification_sessions, candidates=uow.certification_candidates,
                learners=uow.enrollable_learners)
            log.info("certification candidates enrolled count=%d", added)
        return self._orga_action(request, uai, session_id, enrol)

    def _orga_action(self, request: Request, uai: str, session_id: int,
             action: Callable[[Any, int], object]) -> Response:
        """A POST of the session page: CSRF, the action, one commit, back to the page."""
        session_id_cookie, data, user_id = self.kit.signed_in(request, otherwise=ORGA_LOGIN)
        self.kit.check_csrf(request, session_id_cookie, data)
        with self.unit_of_work() as uow:
            action(uow, user_id)
            uow.commit()
        return redirect(session_path(uai, session_id), code=303)


def _details(form: Any) -> SessionDetails:
    try:
        day: date | None = date.fromisoformat(form.get("date", ""))
    except ValueError:
        day = None
    return SessionDetails.checked(day, form.get("heure", ""), form.get("salle", ""),
                                  form.get("adresse", ""), form.get("examinateur", ""))


def _picks(form: Any, uow: Any, session: CertificationSession) -> list[CandidatePick]:
    """Learners ticked one by one (``eleve``), or a whole class (``classe``), with the
    extra time typed beside each (``temps-<id>``)."""
    chosen = {int(v) for v in form.getlist("eleve") if v.isdigit()}
    division = form.get("classe", "")
    if division:
        chosen |= {x.learner_id for x in uow.enrollable_learners.of_organization(
            session.organization_id) if x.division == division and x.is_active}
    if not chosen:
        raise LearnerCannotEnrol("nobody_chosen")
    try:
        return [CandidatePick(learner_id, parse_extra_time(form.get(f"temps-{learner_id}", "")))
                for learner_id in sorted(chosen)]
    except ValueError:
        raise LearnerCannotEnrol("extra_time_invalid") from None
