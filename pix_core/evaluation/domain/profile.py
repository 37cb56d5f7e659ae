"""A user's profile: a score and a level per competence of the framework, and which
competence evaluations it offers to start or resume."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pix_core.evaluation.domain.assessments import Assessment, AssessmentKind
from pix_core.evaluation.domain.framework import Area, Competence, Framework, LearningContent
from pix_core.evaluation.domain.scoring import (
    DEFAULT_MAX_OPEN_LEVEL,
    competence_level,
    max_pix_score,
)


@dataclass(frozen=True)
class CompetenceScore:
    competence: Competence
    pix: int
    level: int


@dataclass(frozen=True)
class AreaScores:
    area: Area
    competences: tuple[CompetenceScore, ...]


@dataclass(frozen=True)
class Profile:
    """What the profile page shows: names, total pix, the framework with levels."""

    first_name: str
    last_name: str
    areas: tuple[AreaScores, ...]
    max_pix: int

    @property
    def pix_score(self) -> int:
        return sum(score.pix for area in self.areas for score in area.competences)

    @property
    def competence_count(self) -> int:
        return sum(len(area.competences) for area in self.areas)

    @classmethod
    def build(
        cls,
        first_name: str,
        last_name: str,
        framework: Framework,
        pix_by_competence: Mapping[str, int] | None = None,
        max_open_level: int = DEFAULT_MAX_OPEN_LEVEL,
    ) -> Profile:
        """Score every competence of ``framework`` (0 pix for those with no result yet)."""
        earned = pix_by_competence or {}
        areas = tuple(
            AreaScores(
                area=area,
                competences=tuple(
                    CompetenceScore(
                        competence=c,
                        pix=earned.get(c.code, 0),
                        level=competence_level(earned.get(c.code, 0), max_open_level),
                    )
                    for c in area.competences
                ),
            )
            for area in framework.areas
        )
        return cls(first_name, last_name, areas, max_pix_score(len(framework.competences)))


@dataclass(frozen=True)
class CompetenceEvaluations:
    """The profile's cards: competences to resume, done, and those that have questions."""

    started: frozenset[str]
    completed: frozenset[str]
    evaluable: frozenset[str]

    @classmethod
    def of(cls, assessments: Iterable[Assessment], content: LearningContent
           ) -> CompetenceEvaluations:
        started: set[str] = set()
        completed: set[str] = set()
        for assessment in assessments:
            if assessment.kind is AssessmentKind.COMPETENCE and assessment.competence_code:
                group = completed if assessment.is_completed else started
                group.add(assessment.competence_code)
        evaluable = {c.code for c in content.framework.competences if c.tube_ids}
        return cls(frozenset(started), frozenset(completed - started), frozenset(evaluable))
