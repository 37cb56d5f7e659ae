"""Who may act for an organisation in Pix Orga: memberships (ADMIN or MEMBER)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from pix_core.domain.errors import PixError
from roster.domain.learners import Organization

__all__ = ["Membership", "MembershipRepository", "MembershipRequired", "Organization",
           "OrganizationNotFound", "OrganizationRepository", "Role", "RosterLine",
           "has_roster", "display_name"]


def has_roster(organization: Organization) -> bool:
    """A SIECLE roster was imported at least once."""
    return organization.siecle_imported_at is not None


def display_name(organization: Organization) -> str:
    return organization.name or organization.uai


class Role(StrEnum):
    ADMIN = "ADMIN"
    MEMBER = "MEMBER"


@dataclass(frozen=True)
class Membership:
    id: int | None
    user_id: int
    organization_id: int
    role: Role
    created_at: datetime

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def promoted(self) -> Membership:
        return replace(self, role=Role.ADMIN)


@dataclass(frozen=True)
class RosterLine:
    """One learner as the roster page shows it."""

    last_name: str
    first_name: str
    division: str | None
    birthdate: date | None
    is_active: bool
    is_tied: bool

    def __repr__(self) -> str:
        return "RosterLine(<redacted>)"


class OrganizationNotFound(PixError):
    kind = "organization_not_found"


class MembershipRequired(PixError):
    """The user is not a member of the organisation (or not an administrator of it)."""

    kind = "membership_required"


class OrganizationRepository(Protocol):
    """The subset of the SIECLE importer's organisation repository that Pix Orga uses."""

    def get_by_uai(self, uai: str, *, for_update: bool = False) -> Organization | None: ...

    def add(self, organization: Organization) -> Organization: ...


class MembershipRepository(Protocol):
    def find(self, user_id: int, organization_id: int) -> Membership | None: ...

    def add(self, membership: Membership) -> Membership: ...

    def update(self, membership: Membership) -> None: ...

    def list_for_user(self, user_id: int) -> list[tuple[Membership, Organization]]:
        """The user's memberships with their organisations."""
        ...
