"""The profile, competence evaluations (start, resume) and the assessment pages.

Every page needs a logged-in pupil and shows only their own assessments (another one's is
a 404). Answers are checked by ``answer_challenge`` on the server; the page only carries
choice numbers. The challenge in progress is the assessment's ``current_challenge_id`` in
the database: a reload or another worker shows the same one. URLs say "évaluation", as
the pages do.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from typing import Any

from werkzeug import Request, Response
from werkzeug.routing import Rule
from werkzeug.utils import redirect

from pix_core.accounts.domain.errors import UserNotFound
from pix_core.evaluation.domain.errors import NothingToAssess
from pix_core.evaluation.domain.framework import ChallengeType, LearningContent
from pix_core.evaluation.usecases.answer_challenge import answer_challenge
from pix_core.evaluation.usecases.list_competence_evaluations import (
    list_competence_evaluations,
)
from pix_core.evaluation.usecases.show_assessment_result import show_assessment_result
from pix_core.evaluation.usecases.show_current_challenge import show_current_challenge
from pix_core.evaluation.usecases.show_profile import show_profile
from pix_core.evaluation.usecases.start_competence_evaluation import (
    find_started_competence_evaluation,
    start_competence_evaluation,
)
from pix_core.shared.adapters.http.kit import Templates, WebKit, no_store

MAX_ANSWER_LENGTH = 500


def assessment_path(assessment_id: int | None) -> str:
    """Where the pupil answers an assessment's challenges (campaigns link here too)."""
    return f"/evaluations/{assessment_id}"


class EvaluationPages:
    rules = (
        Rule("/profil", endpoint="profile", methods=["GET"]),
        Rule("/competences/<code>/evaluation", endpoint="competence_evaluation",
             methods=["GET", "POST"]),
        Rule("/evaluations/<int:assessment_id>", endpoint="assessment", methods=["GET", "POST"]),
        Rule("/evaluations/<int:assessment_id>/resultat", endpoint="assessment_result",
             methods=["GET"]),
    )

    def __init__(self, kit: WebKit, unit_of_work: Callable[[], Any], content: LearningContent,
                 max_open_level: int) -> None:
        self.kit = kit
        self.unit_of_work = unit_of_work
        self.content = content  # tubes, skills, challenges
        self.max_open_level = max_open_level
        self.templates = Templates(__package__)

    def on_profile(self, request: Request) -> Response:
        session_id, data, user_id = self.kit.signed_in(request, otherwise="/")
        with self.unit_of_work() as uow:
            try:
                profile = show_profile(user_id, uow.users, self.content.framework,
                                       uow.knowledge_elements, self.content,
                                       self.max_open_level)
            except UserNotFound:
                return self.kit.log_out(session_id)
            cards = list_competence_evaluations(uow.assessments, self.content, user_id=user_id)
        return no_store(self.templates.render(
            "profile.html", profile=profile, logged_in=True, data=data, cards=cards))

    def on_competence_evaluation(self, request: Request, code: str) -> Response:
        session_id, data, user_id = self.kit.signed_in(request, otherwise="/")
        if request.method == "POST":
            self.kit.check_csrf(request, session_id, data)
        try:
            competence = self.content.framework.competence(code)
        except KeyError:
            raise NothingToAssess() from None
        with self.unit_of_work() as uow:
            if request.method == "GET":
                started = find_started_competence_evaluation(uow, user_id, code)
                if started is not None:
                    return redirect(assessment_path(started.id), code=303)
                return no_store(self.templates.render(
                    "competence_evaluation_start.html", competence=competence,
                    logged_in=True, data=data))
            assessment = start_competence_evaluation(
                uow, self.content, self.kit.clock, random.Random(secrets.randbits(64)),  # noqa: S311  no secret
                user_id=user_id, competence_code=code, max_open_level=self.max_open_level)
            uow.commit()
        return redirect(assessment_path(assessment.id), code=303)

    def on_assessment(self, request: Request, assessment_id: int) -> Response:
        session_id, data, user_id = self.kit.signed_in(request, otherwise="/")
        if request.method == "POST":
            return self._answer(request, session_id, data, user_id, assessment_id)
        with self.unit_of_work() as uow:
            current = show_current_challenge(
                uow, self.content, assessment_id=assessment_id, user_id=user_id)
        if current.challenge is None:
            return redirect(assessment_path(assessment_id) + "/resultat", code=303)
        feedback = data.pop("feedback", None)
        if feedback is not None and session_id is not None:
            self.kit.sessions.save(session_id, data)
        challenge = current.challenge
        order = list(enumerate(challenge.choices, start=1))
        # the same order on every reload of the page; an order is no secret
        random.Random(f"{assessment_id}:{challenge.id}").shuffle(order)  # noqa: S311
        return no_store(self.templates.render(
            "challenge.html", assessment=current.assessment, challenge=challenge,
            choices=order, multiple=challenge.type is ChallengeType.QCM,
            free=challenge.type is ChallengeType.QROC, number=current.answered_count + 1,
            feedback=feedback, empty=request.args.get("vide") == "1",
            title=current.title, logged_in=True, data=data))

    def on_assessment_result(self, request: Request, assessment_id: int) -> Response:
        _, data, user_id = self.kit.signed_in(request, otherwise="/")
        with self.unit_of_work() as uow:
            view = show_assessment_result(uow, self.content, assessment_id=assessment_id,
                                          user_id=user_id, max_open_level=self.max_open_level)
        if not view.assessment.is_completed:
            return redirect(assessment_path(assessment_id), code=303)
        return no_store(self.templates.render(
            "assessment_result.html", assessment=view.assessment, result=view.result,
            title=view.title, logged_in=True, data=data))

    def _answer(self, request: Request, session_id: str | None, data: dict[str, Any],
                user_id: int, assessment_id: int) -> Response:
        self.kit.check_csrf(request, session_id, data)
        challenge_id = request.form.get("challenge_id", "")
        answer = ",".join(request.form.getlist("answer"))[:MAX_ANSWER_LENGTH].strip()
        if not answer:
            return redirect(assessment_path(assessment_id) + "?vide=1", code=303)
        with self.unit_of_work() as uow:
            outcome = answer_challenge(
                uow, self.content, self.kit.clock, random.Random(secrets.randbits(64)),  # noqa: S311  no secret
                assessment_id=assessment_id, user_id=user_id, challenge_id=challenge_id,
                answer=answer)
            uow.commit()
        if session_id is not None:
            self.kit.sessions.save(session_id, {**data, "feedback": outcome.correct})
        target = assessment_path(assessment_id)
        return redirect(target + "/resultat" if outcome.finished else target, code=303)
