"""Answer the challenge in progress: check it, record knowledge, choose the next one."""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction

from kernel.clock import Clock
from pix_core.evaluation.domain.assessments import (
    Answer,
    Assessment,
    AssessmentRepositories,
    KnowledgeElement,
    KnowledgeStatus,
    latest_by_skill,
)
from pix_core.evaluation.domain.errors import (
    AnswerAlreadyGiven,
    AssessmentCompleted,
    ChallengeNotCurrent,
)
from pix_core.evaluation.domain.framework import LearningContent
from pix_core.evaluation.domain.positioning import infer, next_challenge
from pix_core.evaluation.domain.scoring import skill_pix_values
from pix_core.evaluation.usecases.show_current_challenge import get_own_assessment


@dataclass(frozen=True)
class AnswerOutcome:
    correct: bool
    finished: bool
    assessment: Assessment


def answer_challenge(
    repos: AssessmentRepositories,
    content: LearningContent,
    clock: Clock,
    rng: random.Random,
    *,
    assessment_id: int,
    user_id: int,
    challenge_id: str,
    answer: str,
) -> AnswerOutcome:
    """Checked here, on the server: the page never holds the solution."""
    assessment = get_own_assessment(repos, assessment_id, user_id)
    answers = repos.answers.list_for_assessment(assessment_id)
    if any(a.challenge_id == challenge_id for a in answers):
        raise AnswerAlreadyGiven()
    if assessment.is_completed:
        raise AssessmentCompleted()
    if challenge_id != assessment.current_challenge_id or challenge_id not in content.challenges:
        raise ChallengeNotCurrent()
    now = clock()
    challenge = content.challenges[challenge_id]
    given = Answer(assessment_id, challenge_id, answer, challenge.is_correct(answer), now)
    repos.answers.add(given)  # unique (assessment, challenge): a concurrent twin fails
    elements = repos.knowledge_elements.list_for_user(user_id)
    known = latest_by_skill(elements)
    new = _knowledge(content, assessment, challenge.skill_id, given, known)
    repos.knowledge_elements.add_many(new)
    for element in new:
        known[element.skill_id] = element
    seen = repos.answers.challenge_ids_for_user(user_id) | {challenge_id}
    following = next_challenge(
        content, assessment.target_skill_ids, known, [*answers, given], seen, rng
    )
    assessment = assessment.asking(following.id if following else None, now)
    repos.assessments.update(assessment)
    return AnswerOutcome(given.correct, assessment.is_completed, assessment)


def _knowledge(
    content: LearningContent,
    assessment: Assessment,
    skill_id: str,
    answer: Answer,
    known: dict[str, KnowledgeElement],
) -> list[KnowledgeElement]:
    competence = content.skills[skill_id].competence_code
    values = skill_pix_values(
        {s.id: s.level for s in content.skills_of_competence(competence)}
    )
    return [
        KnowledgeElement(
            assessment.user_id, assessment.id or 0, sid, status, source,
            float(values.get(sid, Fraction(0))) if status is KnowledgeStatus.VALIDATED else 0.0,
            answer.created_at,
        )
        for sid, status, source in infer(content, skill_id, answer.correct, known)
    ]
