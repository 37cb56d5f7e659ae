"""Competence evaluations: start/resume, the challenge page, feedback, the end page.

Mixed into ``PixWeb`` (routes in ``EVALUATION_RULES``). Every page needs a logged-in
pupil and shows only their own assessments (another one's is a 404). Answers are
checked by ``answer_challenge`` on the server; the page only carries choice numbers.
The challenge in progress is the assessment's ``current_challenge_id`` in the database:
a reload or another worker shows the same one.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from typing import Any

from werkzeug import Request, Response
from werkzeug.routing import Rule
from werkzeug.utils import redirect

from kernel.clock import Clock
from pix_core.adapters.http.sessions import SessionStore
from pix_core.domain.assessment import AssessmentKind, NothingToEvaluate
from pix_core.domain.framework import ChallengeType, LearningContent
from pix_core.usecases.answer_challenge import answer_challenge
from pix_core.usecases.compute_profile import compute_profile
from pix_core.usecases.show_current_challenge import get_own_assessment, show_current_challenge
from pix_core.usecases.start_competence_evaluation import (
    find_started_evaluation,
    start_competence_evaluation,
)

EVALUATION_RULES = [
    Rule("/competences/<code>/evaluation", endpoint="competence_evaluation",
         methods=["GET", "POST"]),
    Rule("/evaluations/<int:assessment_id>", endpoint="evaluation", methods=["GET", "POST"]),
    Rule("/evaluations/<int:assessment_id>/resultat", endpoint="evaluation_result",
         methods=["GET"]),
]
MAX_ANSWER_LENGTH = 500


def evaluation_path(assessment_id: int | None) -> str:
    return f"/evaluations/{assessment_id}"


class EvaluationPages:
    """Handlers; ``PixWeb`` provides the attributes and helpers declared here."""

    unit_of_work: Callable[[], Any]
    sessions: SessionStore
    clock: Clock
    content: LearningContent
    max_open_level: int
    render: Callable[..., Response]
    _session: Callable[[Request], tuple[str | None, dict[str, Any]]]
    _check_csrf: Callable[[Request, str | None, dict[str, Any]], None]

    def on_competence_evaluation(self, request: Request, code: str) -> Response:
        session_id, data, user_id = self._pupil(request)
        if user_id is None:
            return redirect("/", code=303)
        if request.method == "POST":
            self._check_csrf(request, session_id, data)
        try:
            competence = self.content.framework.competence(code)
        except KeyError:
            raise NothingToEvaluate() from None
        with self.unit_of_work() as uow:
            if request.method == "GET":
                started = find_started_evaluation(uow, user_id, code)
                if started is not None:
                    return redirect(evaluation_path(started.id), code=303)
                return _no_store(self.render(
                    "evaluation_start.html", competence=competence, logged_in=True, data=data))
            assessment = start_competence_evaluation(
                uow, self.content, self.clock, random.Random(secrets.randbits(64)),
                user_id=user_id, competence_code=code, max_open_level=self.max_open_level)
            uow.commit()
        return redirect(evaluation_path(assessment.id), code=303)

    def on_evaluation(self, request: Request, assessment_id: int) -> Response:
        session_id, data, user_id = self._pupil(request)
        if user_id is None:
            return redirect("/", code=303)
        if request.method == "POST":
            return self._answer(request, session_id, data, user_id, assessment_id)
        with self.unit_of_work() as uow:
            current = show_current_challenge(
                uow, self.content, assessment_id=assessment_id, user_id=user_id)
        if current.challenge is None:
            return redirect(evaluation_path(assessment_id) + "/resultat", code=303)
        feedback = data.pop("feedback", None)
        if feedback is not None and session_id is not None:
            self.sessions.save(session_id, data)
        challenge = current.challenge
        order = list(enumerate(challenge.choices, start=1))
        random.Random(f"{assessment_id}:{challenge.id}").shuffle(order)
        return _no_store(self.render(
            "challenge.html", assessment=current.assessment, challenge=challenge,
            choices=order, multiple=challenge.type is ChallengeType.QCM,
            free=challenge.type is ChallengeType.QROC, number=current.answered_count + 1,
            feedback=feedback, empty=request.args.get("vide") == "1",
            title=self._assessment_title(current.assessment), logged_in=True, data=data))

    def on_evaluation_result(self, request: Request, assessment_id: int) -> Response:
        _, data, user_id = self._pupil(request)
        if user_id is None:
            return redirect("/", code=303)
        with self.unit_of_work() as uow:
            assessment = get_own_assessment(uow, assessment_id, user_id)
            if not assessment.is_completed:
                return redirect(evaluation_path(assessment_id), code=303)
            scores = compute_profile(uow.knowledge_elements, self.content, user_id=user_id,
                                     max_open_level=self.max_open_level)
        result = scores.competences.get(assessment.competence_code or "")
        return _no_store(self.render(
            "evaluation_result.html", assessment=assessment, result=result,
            title=self._assessment_title(assessment), logged_in=True, data=data))

    # --- helpers -----------------------------------------------------------------------

    def _evaluation_cards(self, repos: Any, user_id: int) -> dict[str, set[str]]:
        """Profile cards: competences started, completed, and those with questions."""
        started: set[str] = set()
        completed: set[str] = set()
        for assessment in repos.assessments.list_for_user(user_id):
            if assessment.kind is AssessmentKind.COMPETENCE and assessment.competence_code:
                group = completed if assessment.is_completed else started
                group.add(assessment.competence_code)
        evaluable = {c.code for c in self.content.framework.competences if c.tube_ids}
        return {"started": started, "completed": completed - started, "evaluable": evaluable}

    def _answer(self, request: Request, session_id: str | None, data: dict[str, Any],
                user_id: int, assessment_id: int) -> Response:
        self._check_csrf(request, session_id, data)
        challenge_id = request.form.get("challenge_id", "")
        answer = ",".join(request.form.getlist("answer"))[:MAX_ANSWER_LENGTH].strip()
        if not answer:
            return redirect(evaluation_path(assessment_id) + "?vide=1", code=303)
        with self.unit_of_work() as uow:
            outcome = answer_challenge(
                uow, self.content, self.clock, random.Random(secrets.randbits(64)),
                assessment_id=assessment_id, user_id=user_id, challenge_id=challenge_id,
                answer=answer)
            uow.commit()
        if session_id is not None:
            self.sessions.save(session_id, {**data, "feedback": outcome.correct})
        target = evaluation_path(assessment_id)
        return redirect(target + "/resultat" if outcome.finished else target, code=303)

    def _pupil(self, request: Request) -> tuple[str | None, dict[str, Any], int | None]:
        session_id, data = self._session(request)
        user_id = data.get("user_id")
        return session_id, data, user_id if isinstance(user_id, int) else None

    def _assessment_title(self, assessment: Any) -> str:
        if assessment.kind is AssessmentKind.COMPETENCE and assessment.competence_code:
            try:
                return str(self.content.framework.competence(assessment.competence_code).title)
            except KeyError:
                pass
        return "Parcours"


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response
