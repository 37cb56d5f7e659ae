"""What a campaign may target: the content bank's competences and tubes, grouped by area.

``ContentCatalog`` implements the campaigns' ``TargetCatalog`` port over evaluation's
``LearningContent``, in the order of the campaign form.
"""

from __future__ import annotations

from pix_core.campaigns.domain.target_profiles import (
    TargetArea,
    TargetChoice,
    TargetCompetence,
    choices_of,
)
from pix_core.evaluation.domain.framework import Area, LearningContent


class EmptyCatalog:
    """Nothing to target (pages built without content, in unit tests)."""

    def areas(self) -> list[TargetArea]:
        return []

    def choices(self) -> list[TargetChoice]:
        return []


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
