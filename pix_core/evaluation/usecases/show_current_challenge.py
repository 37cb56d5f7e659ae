"""The challenge in progress of an assessment (the same one after a reload)."""

from __future__ import annotations

from dataclasses import dataclass

from pix_core.evaluation.domain.assessments import (
    Assessment,
    AssessmentRepositories,
    assessment_title,
)
from pix_core.evaluation.domain.errors import AssessmentNotFound
from pix_core.evaluation.domain.framework import Challenge, LearningContent


@dataclass(frozen=True)
class CurrentChallenge:
    assessment: Assessment
    challenge: Challenge | None  # None once the assessment is completed
    answered_count: int
    title: str


def get_own_assessment(
    repos: AssessmentRepositories, assessment_id: int, user_id: int
) -> Assessment:
    """The assessment if it belongs to ``user_id``; otherwise it does not exist for them."""
    assessment = repos.assessments.get(assessment_id)
    if assessment is None or assessment.user_id != user_id:
        raise AssessmentNotFound()
    return assessment


def show_current_challenge(
    repos: AssessmentRepositories, content: LearningContent, *, assessment_id: int, user_id: int
) -> CurrentChallenge:
    assessment = get_own_assessment(repos, assessment_id, user_id)
    answered = len(repos.answers.list_for_assessment(assessment_id))
    challenge_id = assessment.current_challenge_id
    challenge = content.challenges.get(challenge_id) if challenge_id else None
    title = assessment_title(assessment, content.framework)
    return CurrentChallenge(assessment, challenge, answered, title)
