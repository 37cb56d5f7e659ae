"""Start (or resume) the evaluation of one competence from the profile page."""

from __future__ import annotations

import random

from kernel.clock import Clock
from pix_core.evaluation.domain.assessments import (
    Assessment,
    AssessmentKind,
    AssessmentRepositories,
    started_competence_evaluation,
)
from pix_core.evaluation.domain.errors import NothingToAssess
from pix_core.evaluation.domain.framework import LearningContent
from pix_core.evaluation.domain.positioning import competence_target
from pix_core.evaluation.usecases.start_assessment import start_assessment


def find_started_competence_evaluation(
    repos: AssessmentRepositories, user_id: int, competence_code: str
) -> Assessment | None:
    """The user's evaluation of this competence still going on (the profile's "Reprendre")."""
    return started_competence_evaluation(repos.assessments.list_for_user(user_id),
                                         competence_code)


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
    started = find_started_competence_evaluation(repos, user_id, competence_code)
    if started is not None:
        return started
    try:
        target = competence_target(content, competence_code, max_open_level)
    except KeyError:
        raise NothingToAssess() from None
    return start_assessment(
        repos, content, clock, rng, user_id=user_id, target_skill_ids=target,
        kind=AssessmentKind.COMPETENCE, competence_code=competence_code,
    )
