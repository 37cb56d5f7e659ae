"""The competence evaluations a user started or finished, as the profile's cards show them."""

from __future__ import annotations

from pix_core.evaluation.domain.assessments import AssessmentRepository
from pix_core.evaluation.domain.framework import LearningContent
from pix_core.evaluation.domain.profile import CompetenceEvaluations


def list_competence_evaluations(
    assessments: AssessmentRepository, content: LearningContent, *, user_id: int
) -> CompetenceEvaluations:
    return CompetenceEvaluations.of(assessments.list_for_user(user_id), content)
