"""A user's pix and level per competence, from their knowledge elements."""

from __future__ import annotations

from dataclasses import dataclass

from pix_core.evaluation.domain.assessments import KnowledgeElementRepository, latest_by_skill
from pix_core.evaluation.domain.framework import LearningContent
from pix_core.evaluation.domain.scoring import competence_level, competence_pix, skill_pix_values


@dataclass(frozen=True)
class CompetenceResult:
    pix: int
    level: int


@dataclass(frozen=True)
class Scores:
    competences: dict[str, CompetenceResult]

    @property
    def pix_by_competence(self) -> dict[str, int]:
        return {code: r.pix for code, r in self.competences.items()}

    @property
    def total(self) -> int:
        return sum(r.pix for r in self.competences.values())


def compute_profile(
    knowledge_elements: KnowledgeElementRepository,
    content: LearningContent,
    *,
    user_id: int,
    max_open_level: int,
) -> Scores:
    """Pix = sum of the validated skills' values (latest element per skill wins).

    A competence without a validated skill has 0 pix: its skills' values (exact fractions)
    are computed only for the others (a returning pupil's profile page, often all 0).
    """
    current = latest_by_skill(knowledge_elements.list_for_user(user_id))
    validated = {s for s, e in current.items() if e.validated}
    results = {}
    for competence in content.framework.competences:
        pix = _competence_pix(content, competence.code, validated) if validated else 0
        results[competence.code] = CompetenceResult(pix, competence_level(pix, max_open_level))
    return Scores(results)


def _competence_pix(content: LearningContent, code: str, validated: set[str]) -> int:
    skills = content.skills_of_competence(code)
    if validated.isdisjoint(s.id for s in skills):
        return 0
    values = skill_pix_values({s.id: s.level for s in skills})
    return competence_pix(validated & values.keys(), values)
