"""The roster's learners as Pix Orga and reconciliation see them: the link to an account.

The roster (``roster``) owns learners and their import; pix_core only reads them and ties
one to an account, for good ("Avant de commencer").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from roster.domain.matching import RosterEntry


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
class RosterLine:
    """One learner as the roster page shows it."""

    last_name: str
    first_name: str
    division: str | None
    birthdate: date | None
    is_active: bool
    is_tied: bool
    learner_id: int | None = None

    def __repr__(self) -> str:
        return "RosterLine(<redacted>)"


class LearnerLinkRepository(Protocol):
    """The roster of an organisation, as reconciliation and the roster page need it."""

    def active_entries(self, organization_id: int) -> list[RosterEntry]: ...

    def find_for_user(self, organization_id: int, user_id: int) -> LearnerLink | None: ...

    def find_by_ine(self, organization_id: int, ine: str) -> LearnerLink | None: ...

    def get(self, learner_id: int) -> LearnerLink | None: ...

    def roster_lines(self, organization_id: int) -> list[RosterLine]: ...

    def tied_entries_for_ine(self, ine: str) -> list[tuple[RosterEntry, int | None]]:
        """Every school's learners with this INE (current or gone), with their account."""
        ...

    def tie(self, learner_id: int, user_id: int, now: datetime) -> bool:
        """Set the learner's account only if it has none; False when someone was faster."""
        ...
