"""Who may take the certification: at least 5 competences at level 1 or more."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

MIN_CERTIFIABLE_COMPETENCES = 5
MIN_CERTIFIABLE_LEVEL = 1


@dataclass(frozen=True)
class Eligibility:
    certifiable_competences: tuple[str, ...]  # codes, in framework order

    @property
    def is_eligible(self) -> bool:
        return len(self.certifiable_competences) >= MIN_CERTIFIABLE_COMPETENCES

    @property
    def missing(self) -> int:
        """How many more competences must reach level 1."""
        return max(0, MIN_CERTIFIABLE_COMPETENCES - len(self.certifiable_competences))


def eligibility(levels: Mapping[str, int]) -> Eligibility:
    """``levels``: the positioned level of each competence (framework order kept)."""
    return Eligibility(tuple(code for code, level in levels.items()
                             if level >= MIN_CERTIFIABLE_LEVEL))
