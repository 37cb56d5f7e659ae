"""The one link between campaigns and the positioning engine (assessment API).

``PositioningAssessments`` implements the campaigns' ``CampaignAssessments`` port with
``start_assessment`` / ``compute_profile`` over the request's assessment repositories;
``ContentCatalog`` offers the content's competences and tubes as target profiles,
grouped by area for the campaign form.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from kernel.clock import Clock
from pix_core.domain.assessment import AssessmentKind, AssessmentNotFound, latest_by_skill
from pix_core.domain.campaigns import (
    AssessmentResult,
    TargetArea,
    TargetChoice,
    TargetCompetence,
    choices_of,
)
from pix_core.domain.framework import Area, LearningContent
from pix_core.domain.scoring import DEFAULT_MAX_OPEN_LEVEL
from pix_core.usecases.compute_profile import compute_profile
from pix_core.usecases.start_assessment import start_assessment

ASSESSMENT_PATH = "/evaluations/{id}"


class PositioningAssessments:
    """``repos``: anything with ``assessments``, ``answers``, ``knowledge_elements``."""

    def __init__(self, repos: Any, content: LearningContent, clock: Clock,
                 rng: random.Random | None = None,
                 max_open_level: int = DEFAULT_MAX_OPEN_LEVEL) -> None:
        self.repos, self.content, self.clock = repos, content, clock
        self.rng = rng or random.Random()
        self.max_open_level = max_open_level

    def start(self, user_id: int, target_skill_ids: Sequence[str],
              campaign_participation_id: int) -> int:
        assessment = start_assessment(
            self.repos, self.content, self.clock, self.rng, user_id=user_id,
            target_skill_ids=target_skill_ids, kind=AssessmentKind.CAMPAIGN,
            campaign_participation_id=campaign_participation_id)
        assert assessment.id is not None
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

    def path(self, assessment_id: int) -> str:
        return ASSESSMENT_PATH.format(id=assessment_id)


class ContentCatalog:
    """Each competence with content, whole or tube by tube, grouped by area."""

    def __init__(self, content: LearningContent) -> None:
        self._areas = [area for area in (_target_area(content, a)
                                         for a in content.framework.areas) if area.competences]

    def areas(self) -> list[TargetArea]:
        return list(self._areas)

    def choices(self) -> list[TargetChoice]:
        return choices_of(self._areas)


def _target_area(content: LearningContent, area: Area) -> TargetArea:
    competences = []
    for competence in area.competences:
        skills = tuple(s.id for s in content.skills_of_competence(competence.code))
        if not skills:
            continue
        tubes = tuple(TargetChoice("tube", tube.id, f"{competence.code} · {tube.name}",
                                   tube.skill_ids, name=tube.name)
                      for tube in (content.tubes[t] for t in competence.tube_ids))
        whole = TargetChoice("competence", competence.code, competence.title, skills)
        competences.append(TargetCompetence(whole, tubes))
    return TargetArea(area.code, area.name, tuple(competences))
