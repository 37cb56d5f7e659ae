"""Scoring rules: pix per level, levels per competence, the maximum score."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from fractions import Fraction

PIX_PER_LEVEL = 8
MAX_REACHABLE_LEVEL = 8
"""Levels a competence has (1..8); 16 × 8 × 8 = 1024 pix."""

DEFAULT_MAX_OPEN_LEVEL = 5
"""Highest level open to users; configurable, 5 for a long time."""


def competence_level(pix: int, max_open_level: int = DEFAULT_MAX_OPEN_LEVEL) -> int:
    """Competence level = floor(pix / 8), capped at the highest level open to users."""
    if pix < 0:
        raise ValueError("pix cannot be negative")
    return min(pix // PIX_PER_LEVEL, max_open_level)


def max_pix_score(competence_count: int) -> int:
    """The figure shown on a profile: competences × levels × pix per level."""
    return competence_count * MAX_REACHABLE_LEVEL * PIX_PER_LEVEL


MAX_PIX_PER_SKILL = 4


def skill_pix_values(skill_levels: Mapping[str, int]) -> dict[str, Fraction]:
    """Pix of each skill of one competence: min(4, 8 / skills of that level).

    ``skill_levels`` maps every skill id of the competence to its level. Fractions keep
    sums exact (three skills of 8/3 make a level of exactly 8 pix).
    """
    per_level = Counter(skill_levels.values())
    return {
        skill_id: min(Fraction(MAX_PIX_PER_SKILL), Fraction(PIX_PER_LEVEL, per_level[level]))
        for skill_id, level in skill_levels.items()
    }


def competence_pix(validated: Iterable[str], values: Mapping[str, Fraction]) -> int:
    """Pix of a competence: the sum of its validated skills' values, rounded down."""
    return math.floor(sum((values[s] for s in set(validated) if s in values), Fraction(0)))
