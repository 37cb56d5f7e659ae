"""Scoring a certification: the reproducibility rate and each competence's certified level.

Reproducibility rate R = correct certification answers / answers. Certified when R ≥ 50 %.
A competence's certified level comes from its positioned level E, how many of its
challenges were asked and answered correctly, and R ("trusted" when R ≥ 80 %):

=====  =======  ======================================================
asked  correct  certified level
=====  =======  ======================================================
3      3        E
3      2        E if trusted, else E − 1
3      0–1      −1 (uncertified)
2      2        E
2      1        E if trusted, E − 1 if R ≥ 70 %, else −1
2      0        −1
1      1        E if R ≥ 70 %, else E − 1
1      0        −1
0      0        −1
=====  =======  ======================================================

Score: 0 when uncertified, otherwise the positioned pix minus 8 per level lost (0..64).
When R < 50 % nothing is certified: every competence −1, score 0, total 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from pix_core.evaluation.domain.scoring import MAX_REACHABLE_LEVEL, PIX_PER_LEVEL

UNCERTIFIED = -1
CERTIFIED_RATE = Fraction(1, 2)
TRUSTED_RATE = Fraction(4, 5)
DOWNGRADE_RATE = Fraction(7, 10)
MAX_COMPETENCE_SCORE = MAX_REACHABLE_LEVEL * PIX_PER_LEVEL  # 64


def reproducibility_rate(correct: int, asked: int) -> Fraction:
    """correct / asked (0 when nothing was asked)."""
    if not 0 <= correct <= asked:
        raise ValueError("correct answers must be between 0 and the answers")
    return Fraction(correct, asked) if asked else Fraction(0)


def certified_level(positioned: int, asked: int, correct: int, rate: Fraction) -> int:
    """The table above, for one competence (``positioned`` is E)."""
    if not 0 <= correct <= asked <= 3:
        raise ValueError("at most 3 challenges per competence, correct ≤ asked")
    missed = asked - correct
    if asked == 0 or correct == 0 or (asked == 3 and correct == 1):
        return UNCERTIFIED
    if missed == 0:
        return positioned if asked > 1 or rate >= DOWNGRADE_RATE else positioned - 1
    if rate >= TRUSTED_RATE:  # 3 asked, 2 correct / 2 asked, 1 correct
        return positioned
    if asked == 3 or rate >= DOWNGRADE_RATE:
        return positioned - 1
    return UNCERTIFIED


def competence_score(positioned_pix: int, positioned: int, certified: int) -> int:
    """0 when uncertified, else the positioned pix minus 8 per level lost, within 0..64."""
    if certified == UNCERTIFIED:
        return 0
    lost = max(0, positioned - certified)
    return max(0, min(MAX_COMPETENCE_SCORE, positioned_pix - PIX_PER_LEVEL * lost))


@dataclass(frozen=True)
class Positioned:
    """A competence as positioned when the test started."""

    level: int
    pix: int


@dataclass(frozen=True)
class Tally:
    """A competence's certification answers."""

    asked: int
    correct: int


@dataclass(frozen=True)
class CompetenceMark:
    level: int  # −1..8
    score: int  # 0..64


@dataclass(frozen=True)
class Result:
    correct: int
    asked: int
    competences: dict[str, CompetenceMark]

    @property
    def rate(self) -> Fraction:
        return reproducibility_rate(self.correct, self.asked)

    @property
    def is_certified(self) -> bool:
        return self.asked > 0 and self.rate >= CERTIFIED_RATE

    @property
    def total(self) -> int:
        return sum(mark.score for mark in self.competences.values())

    @property
    def rate_percent(self) -> int:
        return int(self.rate * 100)


def score_certification(positioned: Mapping[str, Positioned],
                        tallies: Mapping[str, Tally]) -> Result:
    """The whole certification: one mark per positioned competence."""
    correct = sum(t.correct for t in tallies.values())
    asked = sum(t.asked for t in tallies.values())
    rate = reproducibility_rate(correct, asked)
    certified = asked > 0 and rate >= CERTIFIED_RATE
    marks = {}
    for code, where in positioned.items():
        tally = tallies.get(code, Tally(0, 0))
        level = (certified_level(where.level, tally.asked, tally.correct, rate)
                 if certified else UNCERTIFIED)
        marks[code] = CompetenceMark(level, competence_score(where.pix, where.level, level))
    return Result(correct, asked, marks)
