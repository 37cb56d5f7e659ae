"""The one link from campaigns to evaluation's assessments.

``PositioningAssessments`` implements the campaigns' ``CampaignAssessments`` port with
evaluation's use cases (``start_assessment``, ``compute_profile``) over the request's
assessment repositories: campaigns never touch assessments otherwise.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from kernel.clock import Clock
from kernel.stored import NotStored
from pix_core.campaigns.domain.participations import AssessmentResult
from pix_core.evaluation.domain.assessments import (
    AssessmentKind,
    AssessmentRepositories,
    latest_by_skill,
)
from pix_core.evaluation.domain.errors import AssessmentNotFound
from pix_core.evaluation.domain.framework import LearningContent
from pix_core.evaluation.domain.scoring import DEFAULT_MAX_OPEN_LEVEL
from pix_core.evaluation.usecases.compute_profile import compute_profile
from pix_core.evaluation.usecases.start_assessment import start_assessment


class PositioningAssessments:
    """Over the request's unit of work (``repos``), as ``create_app`` wires it."""

    def __init__(self, repos: AssessmentRepositories, content: LearningContent, clock: Clock,
                 rng: random.Random | None = None,
                 max_open_level: int = DEFAULT_MAX_OPEN_LEVEL) -> None:
        self.repos, self.content, self.clock = repos, content, clock
        self.rng = rng or random.Random()  # noqa: S311  orders challenges, guards no secret
        self.max_open_level = max_open_level

    def start(self, user_id: int, target_skill_ids: Sequence[str],
              campaign_participation_id: int) -> int:
        assessment = start_assessment(
            self.repos, self.content, self.clock, self.rng, user_id=user_id,
            target_skill_ids=target_skill_ids, kind=AssessmentKind.CAMPAIGN,
            campaign_participation_id=campaign_participation_id)
        if assessment.id is None:
            raise NotStored(assessment)
        return assessment.id

    def is_completed(self, assessment_id: int) -> bool:
        assessment = self.repos.assessments.get(assessment_id)
        if assessment is None:
            raise AssessmentNotFound()
        return bool(assessment.is_completed)

    def result(self, user_id: int, assessment_id: int) -> AssessmentResult:
        scores = compute_profile(self.repos.knowledge_elements, self.content, user_id=user_id,
                                 max_open_level=self.max_open_level)
        current = latest_by_skill(self.repos.knowledge_elements.list_for_user(user_id))
        validated = frozenset(s for s, e in current.items() if e.validated)
        return AssessmentResult(scores.total, validated)
