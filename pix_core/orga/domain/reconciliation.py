"""Tying a Pix account to a learner of a school's roster ("Avant de commencer")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from pix_core.shared.domain.rate_limit import ATTEMPT_WINDOW, RateLimitRule

RECONCILIATION_PER_USER = RateLimitRule("reconciliation_user", 10, ATTEMPT_WINDOW)
""""Avant de commencer" answers (names and birth date), per logged-in user."""


class ReconciliationStatus(StrEnum):
    NO_ROSTER = "no_roster"                    # nothing imported: nothing to do
    ALREADY_IDENTIFIED = "already_identified"  # tied before, for good
    TIED = "tied"                              # tied now
    FORM_NEEDED = "form_needed"                # ask names and birth date
    NO_MATCH = "no_match"                      # nobody matches: try again
    AMBIGUOUS = "ambiguous"                    # homonyms: ask the teacher
    TAKEN = "taken"                            # the learner belongs to another account


READY_STATUSES = frozenset({ReconciliationStatus.NO_ROSTER, ReconciliationStatus.TIED,
                            ReconciliationStatus.ALREADY_IDENTIFIED})
"""The pupil may go on (join the campaign that sent them here)."""


@dataclass(frozen=True)
class Answers:
    """What the pupil typed on the form."""

    last_name: str
    first_name: str
    birthdate: date

    def __repr__(self) -> str:
        return "Answers(<redacted>)"


@dataclass(frozen=True)
class Reconciliation:
    status: ReconciliationStatus
    automatic: bool = False
    other_account_hint: str | None = None

    @property
    def is_ready(self) -> bool:
        return self.status in READY_STATUSES
