"""compute_profile: skill values computed only for competences with a validated skill."""

from __future__ import annotations

from datetime import UTC, datetime

import pix_core.evaluation.usecases.compute_profile as module
from pix_core.evaluation.adapters.content_bank import default_content
from pix_core.evaluation.domain.assessments import (
    KnowledgeElement,
    KnowledgeSource,
    KnowledgeStatus,
)
from pix_core.evaluation.domain.scoring import competence_pix, skill_pix_values
from pix_core.evaluation.usecases.compute_profile import compute_profile

CONTENT = default_content()


class Elements:
    def __init__(self, elements: list[KnowledgeElement]) -> None:
        self.elements = elements

    def list_for_user(self, user_id: int) -> list[KnowledgeElement]:
        return self.elements


def validated(skill_id: str) -> KnowledgeElement:
    return KnowledgeElement(user_id=1, assessment_id=1, skill_id=skill_id,
                            status=KnowledgeStatus.VALIDATED, source=KnowledgeSource.DIRECT,
                            earned_pix=0.0, created_at=datetime(2024, 9, 2, tzinfo=UTC))


def test_only_the_competences_with_a_validated_skill_are_valued(monkeypatch):
    competence = CONTENT.framework.competences[0]
    skills = CONTENT.skills_of_competence(competence.code)[:3]
    valued: list[dict] = []

    def counting(levels):
        valued.append(dict(levels))
        return skill_pix_values(levels)

    monkeypatch.setattr(module, "skill_pix_values", counting)
    scores = compute_profile(Elements([validated(s.id) for s in skills]), CONTENT, user_id=1,
                             max_open_level=5)

    values = skill_pix_values({s.id: s.level for s in CONTENT.skills_of_competence(
        competence.code)})
    assert scores.competences[competence.code].pix == competence_pix(
        {s.id for s in skills}, values)
    assert len(valued) == 1  # not the 15 other competences
    assert scores.total == scores.competences[competence.code].pix


def test_a_pupil_without_knowledge_has_0_everywhere_without_valuing_anything(monkeypatch):
    monkeypatch.setattr(module, "skill_pix_values", lambda levels: (_ for _ in ()).throw(
        AssertionError("valued")))

    scores = compute_profile(Elements([]), CONTENT, user_id=1, max_open_level=5)

    assert scores.total == 0
    assert len(scores.competences) == len(CONTENT.framework.competences)
