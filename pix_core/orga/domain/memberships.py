"""Who may act for an organisation in Pix Orga: memberships (ADMIN or MEMBER)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from roster.domain.learners import Organization


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


class MembershipRepository(Protocol):
    def find(self, user_id: int, organization_id: int) -> Membership | None: ...

    def add(self, membership: Membership) -> Membership: ...

    def update(self, membership: Membership) -> None: ...

    def list_for_user(self, user_id: int) -> list[tuple[Membership, Organization]]:
        """The user's memberships with their organisations."""
        ...
