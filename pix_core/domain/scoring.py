"""Scoring rules: pix per level, levels per competence, the maximum score."""

from __future__ import annotations

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
