"""The end page of an assessment: the level reached in the competence it evaluated."""

from __future__ import annotations

from dataclasses import dataclass

from pix_core.evaluation.domain.assessments import (
    Assessment,
    AssessmentRepositories,
    assessment_title,
)
from pix_core.evaluation.domain.framework import LearningContent
from pix_core.evaluation.usecases.compute_profile import CompetenceResult, compute_profile
from pix_core.evaluation.usecases.show_current_challenge import get_own_assessment


@dataclass(frozen=True)
class AssessmentResultView:
    assessment: Assessment
    title: str
    result: CompetenceResult | None  # None for a campaign's assessment


def show_assessment_result(
    repos: AssessmentRepositories,
    content: LearningContent,
    *,
    assessment_id: int,
    user_id: int,
    max_open_level: int,
) -> AssessmentResultView:
    """Only the user's own assessment; the caller sends them back while it is not done."""
    assessment = get_own_assessment(repos, assessment_id, user_id)
    result = None
    if assessment.is_completed:
        scores = compute_profile(repos.knowledge_elements, content, user_id=user_id,
                                 max_open_level=max_open_level)
        result = scores.competences.get(assessment.competence_code or "")
    return AssessmentResultView(assessment, assessment_title(assessment, content.framework),
                                result)
