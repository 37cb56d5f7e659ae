"""Finding a person in a school's roster, with the rules Pix uses to reconcile pupils.

Names are normalised (trim, lower case, accents removed, white space removed, anything
but ``[a-z0-9]`` removed). The first name is compared with the learner's first, second
and third names; the family name with the family and usage names. A strict pass
(identical) comes first, then a tolerant one (Levenshtein distance divided by the input's
length at most 0.25). A person is matched only when exactly one learner matches:
homonyms are never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cached_property

from rapidfuzz.distance import Levenshtein

TOLERANCE = 0.25
_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def normalize_name(name: str) -> str:
    """``" Lefèvre-D'Arc "`` → ``"lefevredarc"``."""
    decomposed = unicodedata.normalize("NFD", name.strip().lower())
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_ALNUM.sub("", "".join(without_accents.split()))


@dataclass(frozen=True)
class RosterEntry:
    """What matching needs of a learner: identifiers, names, birth date and class."""

    learner_id: int
    ine: str
    first_names: tuple[str, ...]   # first, second, third names as given by SIECLE
    last_names: tuple[str, ...]    # family name, usage name
    birthdate: date
    division: str | None = None

    @cached_property
    def _normalized(self) -> tuple[frozenset[str], frozenset[str]]:
        """Computed once per entry: a cached roster's entries serve many logins."""
        return (frozenset(n for n in map(normalize_name, self.first_names) if n),
                frozenset(n for n in map(normalize_name, self.last_names) if n))

    def normalized_first_names(self) -> frozenset[str]:
        return self._normalized[0]

    def normalized_last_names(self) -> frozenset[str]:
        return self._normalized[1]


class MatchStatus(StrEnum):
    """Why a person was, or was not, tied to a learner (also the claim value at the proxy)."""

    MATCHED = "matched"
    AMBIGUOUS = "ambiguous"
    NONE = "none"


@dataclass(frozen=True)
class MatchOutcome:
    status: MatchStatus
    entry: RosterEntry | None = None
    strict: bool = False

    @property
    def matched(self) -> bool:
        return self.status is MatchStatus.MATCHED


def _equal(given: str, candidates: frozenset[str]) -> bool:
    return given in candidates


def _close(given: str, candidates: frozenset[str]) -> bool:
    if not given:
        return False
    return any(Levenshtein.distance(given, c) / len(given) <= TOLERANCE for c in candidates)


_Normalized = tuple[RosterEntry, frozenset[str], frozenset[str]]


def _select(candidates: Sequence[_Normalized], first: str, last: str,
            same: Callable[[str, frozenset[str]], bool]) -> list[RosterEntry]:
    return [entry for entry, firsts, lasts in candidates
            if same(first, firsts) and same(last, lasts)]


def find_learner(entries: Iterable[RosterEntry], first_name: str, last_name: str, *,
                 birthdate: date | None = None, division: str | None = None) -> MatchOutcome:
    """Match a person against ``entries``, narrowed by birth date and class when given."""
    first, last = normalize_name(first_name), normalize_name(last_name)
    if not first or not last:
        return MatchOutcome(MatchStatus.NONE)
    candidates = [(e, e.normalized_first_names(), e.normalized_last_names()) for e in entries
                  if (birthdate is None or e.birthdate == birthdate)
                  and (division is None or e.division == division)]
    for same, strict in ((_equal, True), (_close, False)):
        found = _select(candidates, first, last, same)
        if len(found) == 1:
            return MatchOutcome(MatchStatus.MATCHED, found[0], strict=strict)
        if len(found) > 1:
            return MatchOutcome(MatchStatus.AMBIGUOUS)
    return MatchOutcome(MatchStatus.NONE)
