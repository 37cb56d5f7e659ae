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
    """Pix = sum of the validated skills' values (latest element per skill wins)."""
    current = latest_by_skill(knowledge_elements.list_for_user(user_id))
    validated = {s for s, e in current.items() if e.validated}
    results = {}
    for competence in content.framework.competences:
        skills = content.skills_of_competence(competence.code)
        values = skill_pix_values({s.id: s.level for s in skills})
        pix = competence_pix(validated & values.keys(), values)
        results[competence.code] = CompetenceResult(pix, competence_level(pix, max_open_level))
    return Scores(results)
