"""Tying a Pix account to a learner of a school's roster ("Avant de commencer")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from pix_core.domain.memberships import RosterLine
from roster.domain.matching import RosterEntry


class ReconciliationStatus(StrEnum):
    NO_ROSTER = "no_roster"                    # nothing imported: nothing to do
    ALREADY_IDENTIFIED = "already_identified"  # tied before, for good
    TIED = "tied"                              # tied now
    FORM_NEEDED = "form_needed"                # ask names and birth date
    NO_MATCH = "no_match"                      # nobody matches: try again
    AMBIGUOUS = "ambiguous"                    # homonyms: ask the teacher
    TAKEN = "taken"                            # the learner belongs to another account


@dataclass(frozen=True)
class Answers:
    """What the pupil typed on the form."""

    last_name: str
    first_name: str
    birthdate: date

    def __repr__(self) -> str:
        return "Answers(<redacted>)"


@dataclass(frozen=True)
class LearnerLink:
    """A learner of an organisation and the account it is tied to, if any."""

    learner_id: int
    organization_id: int
    ine: str
    user_id: int | None
    is_active: bool

    def tied_to_other_than(self, user_id: int) -> bool:
        return self.user_id is not None and self.user_id != user_id


@dataclass(frozen=True)
class Reconciliation:
    status: ReconciliationStatus
    automatic: bool = False
    other_account_hint: str | None = None


class LearnerLinkRepository(Protocol):
    """The roster of an organisation, as reconciliation needs it."""

    def active_entries(self, organization_id: int) -> list[RosterEntry]: ...

    def find_for_user(self, organization_id: int, user_id: int) -> LearnerLink | None: ...

    def find_by_ine(self, organization_id: int, ine: str) -> LearnerLink | None: ...

    def get(self, learner_id: int) -> LearnerLink | None: ...

    def roster_lines(self, organization_id: int) -> list[RosterLine]: ...

    def tie(self, learner_id: int, user_id: int, now: datetime) -> bool:
        """Set the learner's account only if it has none; False when someone was faster."""
        ...
