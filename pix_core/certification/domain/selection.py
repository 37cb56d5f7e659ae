"""Which challenges a certification asks: 3 per certifiable competence, from the
candidate's highest validated skills down, one challenge per skill, preferring challenges
the candidate has never answered.

Within a competence, skills are taken by level (highest first); at the same level a skill
with an unseen challenge comes before one whose challenges were all seen, then by id (so
the choice is reproducible). A competence with fewer than 3 validated skills that have a
challenge gets fewer questions (scoring knows how many were asked).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from pix_core.evaluation.domain.framework import LearningContent

CHALLENGES_PER_COMPETENCE = 3


@dataclass(frozen=True)
class SelectedChallenge:
    challenge_id: str
    competence_code: str
    skill_id: str


def select_challenges(
    content: LearningContent,
    competences: Iterable[str],
    validated_skill_ids: Collection[str],
    seen_challenge_ids: Collection[str],
) -> tuple[SelectedChallenge, ...]:
    """The certification's challenges, competence by competence (in the given order)."""
    selected: list[SelectedChallenge] = []
    for code in competences:
        ranked = []
        for skill in content.skills_of_competence(code):
            if skill.id not in validated_skill_ids or not skill.challenge_ids:
                continue
            unseen = sorted(c for c in skill.challenge_ids if c not in seen_challenge_ids)
            challenge = unseen[0] if unseen else sorted(skill.challenge_ids)[0]
            ranked.append(((-skill.level, not unseen, skill.id), challenge, skill.id))
        ranked.sort()
        selected.extend(SelectedChallenge(challenge, code, skill_id)
                        for _, challenge, skill_id in ranked[:CHALLENGES_PER_COMPETENCE])
    return tuple(selected)
