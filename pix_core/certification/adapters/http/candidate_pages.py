"""The pupil's certification pages (logged in through the GAR) and the public check.

"Certification" in the menu: the access code, names and birth date (rate-limited per
pupil); the candidate's page waits for the supervisor (it reloads itself), then the test
one challenge at a time (the challenge in progress and its clock live in the database:
a reload shows the same one, never the next), and the certificate once published.
The public page checks a certificate by its code (rate-limited per client address).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from werkzeug import Request, Response
from werkzeug.routing import Rule
from werkzeug.utils import redirect

from kernel.stored import NotStored
from pix_core.certification.domain.candidate_list import birthdate_of
from pix_core.certification.domain.candidates import CandidateStatus
from pix_core.certification.domain.certificates import PublishedCertificate
from pix_core.certification.domain.codes import ACCESS_CODE_PER_USER, VERIFICATION_PER_CLIENT
from pix_core.certification.domain.errors import CandidateRefused
from pix_core.certification.domain.timing import seconds_left, time_limit
from pix_core.certification.usecases.answer_certification_challenge import (
    answer_certification_challenge,
)
from pix_core.certification.usecases.find_my_candidate import find_my_candidate
from pix_core.certification.usecases.join_certification_session import (
    Identity,
    join_certification_session,
)
from pix_core.certification.usecases.list_my_certifications import list_my_certifications
from pix_core.certification.usecases.show_certificate import show_my_certificate
from pix_core.certification.usecases.start_certification_test import start_certification_test
from pix_core.certification.usecases.verify_certificate import verify_certificate
from pix_core.evaluation.domain.framework import ChallengeType, LearningContent
from pix_core.shared.adapters.http.kit import Templates, WebKit, no_store, user_id_of

log = logging.getLogger(__name__)

CERTIFICATION = "/certification"
WAITING_REFRESH_SECONDS = 5


def candidate_path(candidate_id: int) -> str:
    return f"{CERTIFICATION}/{candidate_id}"


class CandidatePages:
    rules: tuple[Rule, ...] = (
        Rule(CERTIFICATION, endpoint="certification", methods=["GET", "POST"]),
        Rule(f"{CERTIFICATION}/<int:candidate_id>", endpoint="certification_candidate",
             methods=["GET"]),
        Rule(f"{CERTIFICATION}/<int:candidate_id>/commencer",
             endpoint="certification_start", methods=["POST"]),
        Rule(f"{CERTIFICATION}/<int:candidate_id>/epreuve", endpoint="certification_test",
             methods=["GET", "POST"]),
        Rule(f"{CERTIFICATION}/<int:candidate_id>/certificat",
             endpoint="certification_certificate", methods=["GET"]),
        Rule(f"{CERTIFICATION}/<int:candidate_id>/certificat.pdf",
             endpoint="certification_certificate_pdf", methods=["GET"]),
        Rule("/verification-certificat", endpoint="certificate_verification",
             methods=["GET"]),
    )

    kit: WebKit
    unit_of_work: Callable[[], Any]
    content: LearningContent
    max_open_level: int
    templates: Templates
    certificate_pdf: Callable[[PublishedCertificate], Response]

    def on_certification(self, request: Request) -> Response:
        session_id, data, user_id = self.kit.signed_in(request, login_then=CERTIFICATION)
        if request.method == "POST":
            self.kit.check_csrf(request, session_id, data)
            self.kit.limiter.hit(ACCESS_CODE_PER_USER, str(user_id))
            candidate_id = self._join(user_id, request.form)
            return redirect(candidate_path(candidate_id), code=303)
        with self.unit_of_work() as uow:
            mine = list_my_certifications(
                user_id, candidates=uow.certification_candidates,
                sessions=uow.certification_sessions, certificates=uow.certificates)
        return no_store(self.templates.render(
            "certification.html", mine=mine, logged_in=True, data=data))

    def on_certification_candidate(self, request: Request, candidate_id: int) -> Response:
        _, data, user_id = self.kit.signed_in(request, login_then=candidate_path(candidate_id))
        with self.unit_of_work() as uow:
            candidate, session = find_my_candidate(
                user_id, candidate_id, candidates=uow.certification_candidates,
                sessions=uow.certification_sessions)
        if candidate.status is CandidateStatus.STARTED:
            return redirect(f"{candidate_path(candidate_id)}/epreuve", code=303)
        response = self.templates.render(
            "certification_candidate.html", candidate=candidate, session=session,
            statuses=CandidateStatus, logged_in=True, data=data)
        if candidate.status in (CandidateStatus.WAITING, CandidateStatus.ENROLLED):
            response.headers["Refresh"] = str(WAITING_REFRESH_SECONDS)  # polling, no script
        return no_store(response)

    def on_certification_start(self, request: Request, candidate_id: int) -> Response:
        session_id, data, user_id = self.kit.signed_in(
            request, login_then=candidate_path(candidate_id))
        self.kit.check_csrf(request, session_id, data)
        with self.unit_of_work() as uow:
            start_certification_test(
                user_id, candidate_id, candidates=uow.certification_candidates,
                sessions=uow.certification_sessions, knowledge_elements=uow.knowledge_elements,
                answers=uow.answers, content=self.content,
                max_open_level=self.max_open_level, clock=self.kit.clock)
            uow.commit()
        log.info("certification test started")
        return redirect(f"{candidate_path(candidate_id)}/epreuve", code=303)

    def on_certification_test(self, request: Request, candidate_id: int) -> Response:
        here = f"{candidate_path(candidate_id)}/epreuve"
        session_id, data, user_id = self.kit.signed_in(request, login_then=here)
        if request.method == "POST":
            self.kit.check_csrf(request, session_id, data)
            with self.unit_of_work() as uow:
                answer_certification_challenge(
                    user_id, candidate_id, request.form.get("challenge_id", ""),
                    ",".join(request.form.getlist("answer")),
                    candidates=uow.certification_candidates,
                    sessions=uow.certification_sessions, answers=uow.certification_answers,
                    content=self.content, clock=self.kit.clock)
                uow.commit()
            return redirect(here, code=303)  # the next challenge is a GET: reload-safe
        with self.unit_of_work() as uow:
            candidate, _ = find_my_candidate(
                user_id, candidate_id, candidates=uow.certification_candidates,
                sessions=uow.certification_sessions)
        current = candidate.current
        if current is None or candidate.current_shown_at is None:
            return redirect(candidate_path(candidate_id), code=303)
        challenge = self.content.challenges[current.challenge_id]
        left = seconds_left(candidate.current_shown_at, self.kit.clock(),
                            time_limit(candidate.extra_time_percent))
        return no_store(self.templates.render(
            "certification_challenge.html", candidate=candidate, challenge=challenge,
            number=candidate.current_index + 1, total=len(candidate.challenges),
            seconds_left=left, free=challenge.type is ChallengeType.QROC,
            multiple=challenge.type is ChallengeType.QCM,
            choices=list(enumerate(challenge.choices, start=1)), logged_in=True, data=data))

    def my_certificate(self, user_id: int, candidate_id: int) -> PublishedCertificate:
        """The pupil's own certificate, for its page and its PDF alike."""
        with self.unit_of_work() as uow:
            return show_my_certificate(
                user_id, candidate_id, candidates=uow.certification_candidates,
                sessions=uow.certification_sessions, certificates=uow.certificates)

    def on_certification_certificate(self, request: Request, candidate_id: int) -> Response:
        _, data, user_id = self.kit.signed_in(
            request, login_then=f"{candidate_path(candidate_id)}/certificat")
        shown = self.my_certificate(user_id, candidate_id)
        return no_store(self.templates.render(
            "certificate.html", shown=shown, framework=self.content.framework,
            pdf_path=f"{candidate_path(candidate_id)}/certificat.pdf",
            printable=True, logged_in=True, data=data))

    def on_certification_certificate_pdf(self, request: Request, candidate_id: int
                                         ) -> Response:
        _, data, user_id = self.kit.signed_in(
            request, login_then=f"{candidate_path(candidate_id)}/certificat")
        shown = self.my_certificate(user_id, candidate_id)
        return self.certificate_pdf(shown)

    def on_certificate_verification(self, request: Request) -> Response:
        _, data = self.kit.session(request)
        code = request.args.get("code", "")
        shown = None
        if code:
            self.kit.limiter.hit(VERIFICATION_PER_CLIENT, request.remote_addr or "unknown")
            with self.unit_of_work() as uow:
                shown = verify_certificate(code, certificates=uow.certificates)
        return no_store(self.templates.render(
            "certificate_verification.html", shown=shown, framework=self.content.framework,
            logged_in=user_id_of(data) is not None, data=data))

    def _join(self, user_id: int, form: Any) -> int:
        birthdate = birthdate_of(form.get("jour", ""), form.get("mois", ""),
                                 form.get("annee", ""))
        if birthdate is None:
            raise CandidateRefused("birthdate_invalid")
        identity = Identity(form.get("code", "")[:32], form.get("nom", "")[:200],
                            form.get("prenom", "")[:200], birthdate)
        with self.unit_of_work() as uow:
            candidate = join_certification_session(
                user_id, identity, sessions=uow.certification_sessions,
                candidates=uow.certification_candidates, methods=uow.methods,
                learners=uow.learners, knowledge_elements=uow.knowledge_elements,
                content=self.content, max_open_level=self.max_open_level)
            uow.commit()
        log.info("certification candidate joined")
        if candidate.id is None:
            raise NotStored(candidate)
        return candidate.id
