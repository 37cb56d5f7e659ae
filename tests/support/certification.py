"""Helpers of the certification tests: a pupil made eligible by knowledge elements."""

from __future__ import annotations

from datetime import datetime

from pix_core.evaluation.domain.assessments import (
    Assessment,
    AssessmentKind,
    AssessmentState,
    KnowledgeElement,
    KnowledgeSource,
    KnowledgeStatus,
)
from pix_core.evaluation.domain.framework import LearningContent


def make_eligible(uow, content: LearningContent, user_id: int, now: datetime, *,
                  competences: int = 5, up_to_level: int = 2) -> list[str]:
    """Validate every skill up to ``up_to_level`` in the first ``competences`` competences
    that have content (a completed competence evaluation of each); their codes."""
    codes = [c.code for c in content.framework.competences if c.tube_ids][:competences]
    for code in codes:
        assessment = uow.assessments.add(Assessment(
            None, user_id, AssessmentKind.COMPETENCE, (), AssessmentState.COMPLETED, None,
            now, now, competence_code=code))
        uow.knowledge_elements.add_many([
            KnowledgeElement(user_id, assessment.id, skill.id, KnowledgeStatus.VALIDATED,
                             KnowledgeSource.DIRECT, 1.0, now)
            for skill in content.skills_of_competence(code) if skill.level <= up_to_level])
    return codes


def right_answer(content: LearningContent, challenge_id: str) -> str:
    challenge = content.challenges[challenge_id]
    return ",".join(map(str, challenge.solution)) or challenge.accepted[0]
