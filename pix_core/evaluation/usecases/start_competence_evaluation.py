"""Start (or resume) the evaluation of one competence from the profile page."""

from __future__ import annotations

import random

from kernel.clock import Clock
from pix_core.domain.assessment import Assessment, AssessmentKind, NothingToEvaluate
from pix_core.domain.framework import LearningContent
from pix_core.domain.positioning import competence_target
from pix_core.usecases.start_assessment import AssessmentRepositories, start_assessment


def find_started_evaluation(
    repos: AssessmentRepositories, user_id: int, competence_code: str
) -> Assessment | None:
    for assessment in reversed(repos.assessments.list_for_user(user_id)):
        if (
            assessment.kind is AssessmentKind.COMPETENCE
            and assessment.competence_code == competence_code
            and not assessment.is_completed
        ):
            return assessment
    return None


def start_competence_evaluation(
    repos: AssessmentRepositories,
    content: LearningContent,
    clock: Clock,
    rng: random.Random,
    *,
    user_id: int,
    competence_code: str,
    max_open_level: int,
) -> Assessment:
    """The started evaluation of this competence, or a new one on its open skills."""
    started = find_started_evaluation(repos, user_id, competence_code)
    if started is not None:
        return started
    try:
        target = competence_target(content, competence_code, max_open_level)
    except KeyError:
        raise NothingToEvaluate() from None
    return start_assessment(
        repos, content, clock, rng, user_id=user_id, target_skill_ids=target,
        kind=AssessmentKind.COMPETENCE, competence_code=competence_code,
    )
