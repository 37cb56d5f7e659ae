"""Start an assessment on a set of skills (a competence evaluation or a campaign's)."""

from __future__ import annotations

import random
from collections.abc import Sequence

from kernel.clock import Clock
from pix_core.evaluation.domain.assessments import (
    Assessment,
    AssessmentKind,
    AssessmentRepositories,
    AssessmentState,
    latest_by_skill,
)
from pix_core.evaluation.domain.errors import NothingToAssess
from pix_core.evaluation.domain.framework import LearningContent
from pix_core.evaluation.domain.positioning import next_challenge


def start_assessment(
    repos: AssessmentRepositories,
    content: LearningContent,
    clock: Clock,
    rng: random.Random,
    *,
    user_id: int,
    target_skill_ids: Sequence[str],
    kind: AssessmentKind,
    competence_code: str | None = None,
    campaign_participation_id: int | None = None,
) -> Assessment:
    """Store a new assessment and choose its first challenge.

    Skills the user already knows are not asked again: if none is left, the assessment
    is created already completed.
    """
    target = tuple(s for s in dict.fromkeys(target_skill_ids) if s in content.skills)
    if not target:
        raise NothingToAssess()
    known = latest_by_skill(repos.knowledge_elements.list_for_user(user_id))
    seen = repos.answers.challenge_ids_for_user(user_id)
    first = next_challenge(content, target, known, [], seen, rng)
    now = clock()
    assessment = Assessment(
        None, user_id, kind, target, AssessmentState.STARTED, None, now, now,
        competence_code=competence_code, campaign_participation_id=campaign_participation_id,
    ).asking(first.id if first else None, now)
    return repos.assessments.add(assessment)
