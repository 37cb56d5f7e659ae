"""Adaptive positioning: what an answer teaches, which challenge comes next, when to stop.

Pure functions over the content and a user's knowledge; randomness comes in as a
``random.Random`` so a given seed always gives the same test.

* **Inference.** A correct answer validates its skill (``direct``) and every easier
  skill of the same tube not yet known (``inferred``); a wrong answer invalidates its
  skill and every harder skill of the tube not yet known. Known skills (the latest
  knowledge element of each skill, from any assessment of the user) are never re-asked.
* **Estimated level.** The maximum a posteriori level θ on a grid 0..8 (step 0.25) of a
  logistic model P(correct | θ, level d) = 1 / (1 + e^-(θ - d + 0.5)), with a Gaussian
  prior centred on level 2 (σ = 2): a new pupil starts near level 2, a right answer
  moves θ up, a wrong one down, a mixed history settles in between.
* **Next challenge.** Among the target's skills not yet known, those whose level is
  nearest θ; one of them at random, then one of its challenges, preferring challenges
  the user never answered.
* **Stopping rule.** The assessment completes when (a) every skill of the target is
  known (validated or invalidated, directly or by inference): no answer could change the
  result any more; or (b) ``max_challenges`` answers were given (default
  ``MAX_CHALLENGES``; with inference every answer settles at least one unknown skill, so a
  competence of 15 skills never needs more than 15). A competence evaluation targets the
  competence's skills up to the highest open level: harder skills cannot be played.
"""

from __future__ import annotations

import math
import random
from collections.abc import Collection, Iterable, Mapping, Sequence

from pix_core.evaluation.domain.assessments import Answer, KnowledgeSource, KnowledgeStatus
from pix_core.evaluation.domain.framework import Challenge, LearningContent

START_LEVEL = 2.0
PRIOR_SIGMA = 2.0
LEVEL_GRID = tuple(i / 4 for i in range(0, 33))
MAX_CHALLENGES = 60
"""At most this many challenges in one assessment (a campaign may target many skills)."""

Inference = tuple[str, KnowledgeStatus, KnowledgeSource]


def infer(
    content: LearningContent, skill_id: str, correct: bool, known: Collection[str]
) -> list[Inference]:
    """The knowledge an answer on ``skill_id`` gives (skills in ``known`` are kept)."""
    status = KnowledgeStatus.VALIDATED if correct else KnowledgeStatus.INVALIDATED
    level = content.skills[skill_id].level
    found: list[Inference] = [(skill_id, status, KnowledgeSource.DIRECT)]
    for other in content.tube_skills(skill_id):
        easier_or_harder = other.level < level if correct else other.level > level
        if easier_or_harder and other.id not in known:
            found.append((other.id, status, KnowledgeSource.INFERRED))
    return found


def estimate_level(results: Iterable[tuple[int, bool]]) -> float:
    """MAP level from ``(skill level, correct)`` pairs (see the module docstring)."""
    pairs = list(results)

    def log_posterior(theta: float) -> float:
        prior = -((theta - START_LEVEL) ** 2) / (2 * PRIOR_SIGMA**2)
        return prior + sum(_log_p(theta, level, ok) for level, ok in pairs)

    return max(LEVEL_GRID, key=log_posterior)


def _log_p(theta: float, level: int, correct: bool) -> float:
    x = theta - level + 0.5
    # log σ(x) and log(1 − σ(x)) = log σ(−x), computed stably
    x = x if correct else -x
    return -math.log1p(math.exp(-x)) if x > -30 else x


def competence_target(
    content: LearningContent, competence_code: str, max_open_level: int
) -> tuple[str, ...]:
    """The skills a competence evaluation positions on: those up to the open level."""
    return tuple(
        s.id for s in content.skills_of_competence(competence_code) if s.level <= max_open_level
    )


def answered_levels(content: LearningContent, answers: Sequence[Answer]) -> list[tuple[int, bool]]:
    return [
        (content.skills[content.challenges[a.challenge_id].skill_id].level, a.correct)
        for a in answers
        if a.challenge_id in content.challenges
    ]


def next_challenge(
    content: LearningContent,
    target_skill_ids: Sequence[str],
    known: Mapping[str, object] | Collection[str],
    answers: Sequence[Answer],
    seen_challenge_ids: Collection[str],
    rng: random.Random,
    max_challenges: int = MAX_CHALLENGES,
) -> Challenge | None:
    """The next challenge to ask, or ``None`` when the assessment is over (stopping rule)."""
    if len(answers) >= max_challenges:
        return None
    unknown = [
        content.skills[s]
        for s in dict.fromkeys(target_skill_ids)
        if s in content.skills and s not in known and content.skills[s].challenge_ids
    ]
    if not unknown:
        return None
    theta = estimate_level(answered_levels(content, answers))
    distance = min(abs(s.level - theta) for s in unknown)
    nearest = sorted(s.id for s in unknown if abs(s.level - theta) == distance)
    skill = content.skills[rng.choice(nearest)]
    fresh = [c for c in skill.challenge_ids if c not in seen_challenge_ids]
    return content.challenges[rng.choice(sorted(fresh or skill.challenge_ids))]
