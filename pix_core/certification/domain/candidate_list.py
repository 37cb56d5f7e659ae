"""The CSV of candidates a school may upload instead of picking them by class.

One line per candidate, ``;``-separated (a spreadsheet's "CSV UTF-8"), with a header:
``Nom;Prénom;Date de naissance;Temps majoré`` (birth date ``JJ/MM/AAAA``, extra time in %
or empty). Each line is matched against the school's learners with the roster's rules
(``roster.domain.matching``): nobody or several people → the whole list is refused, with
the line number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from pix_core.certification.domain.candidates import EnrollableLearner
from pix_core.certification.domain.errors import InvalidCandidateList
from pix_core.certification.domain.timing import MAX_EXTRA_TIME_PERCENT
from roster.domain.matching import MatchStatus, RosterEntry, find_learner

HEADER = ("Nom", "Prénom", "Date de naissance", "Temps majoré")
MAX_LINES = 2000


@dataclass(frozen=True)
class CandidatePick:
    """A learner to enrol, with their extra time (%)."""

    learner_id: int
    extra_time_percent: int = 0


def parse_extra_time(text: str) -> int:
    """``""`` → 0; ``"33"`` or ``"33 %"`` → 33; anything else or out of 0..200: ValueError."""
    value = text.replace("%", "").strip()
    extra = int(value) if value else 0
    if not 0 <= extra <= MAX_EXTRA_TIME_PERCENT:
        raise ValueError("extra time out of range")
    return extra


def read_candidate_list(text: str, learners: Sequence[EnrollableLearner]
                        ) -> list[CandidatePick]:
    """The picks of a CSV; ``InvalidCandidateList("line_<n>")`` at the first bad line."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    if not rows or [c.strip() for c in rows[0][:3]] != list(HEADER[:3]):
        raise InvalidCandidateList("header")
    if len(rows) > MAX_LINES + 1:
        raise InvalidCandidateList("too_long")
    entries = [RosterEntry(x.learner_id, x.ine, (x.first_name,), (x.last_name,), x.birthdate)
               for x in learners]
    picks: dict[int, CandidatePick] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            last, first, born = (cell.strip() for cell in row[:3])
            birthdate = datetime.strptime(born, "%d/%m/%Y").date()
            extra = parse_extra_time(row[3] if len(row) > 3 else "")
        except ValueError:
            raise InvalidCandidateList(f"line_{number}") from None
        found = find_learner(entries, first, last, birthdate=birthdate)
        if found.status is not MatchStatus.MATCHED or found.entry is None:
            raise InvalidCandidateList(f"line_{number}")
        picks[found.entry.learner_id] = CandidatePick(found.entry.learner_id, extra)
    if not picks:
        raise InvalidCandidateList("empty")
    return list(picks.values())


def birthdate_of(day: str, month: str, year: str) -> date | None:
    """A birth date from three form fields; None when it is not a date."""
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None
