"""Invitations to join an organisation in Pix Orga, sent by its administrator.

The token is random (``secrets``) and only its SHA-256 is stored: the link
``/orga/invitations/<token>`` is shown once to the administrator, who sends it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from roster.domain.learners import Organization

INVITATION_LIFETIME = timedelta(days=30)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Invitation:
    id: int | None
    organization_id: int
    email: str
    token_hash: str
    created_by: int | None
    created_at: datetime
    accepted_at: datetime | None = None
    accepted_by: int | None = None

    def usable(self, now: datetime) -> bool:
        return self.accepted_at is None and now - self.created_at <= INVITATION_LIFETIME

    def renewed(self, token_hash: str, created_by: int, now: datetime) -> Invitation:
        return replace(self, token_hash=token_hash, created_by=created_by, created_at=now)

    def accepted(self, user_id: int, now: datetime) -> Invitation:
        return replace(self, accepted_at=now, accepted_by=user_id)

    def __repr__(self) -> str:  # the e-mail is personal data
        return f"Invitation(id={self.id!r})"


class InvitationRepository(Protocol):
    def add(self, invitation: Invitation) -> Invitation: ...

    def update(self, invitation: Invitation) -> None: ...

    def find_by_token_hash(self, token_hash: str) -> Invitation | None: ...

    def find_pending(self, organization_id: int, email: str) -> Invitation | None: ...

    def list_pending(self, organization_id: int) -> list[Invitation]: ...

    def organization_of(self, invitation: Invitation) -> Organization: ...


@dataclass(frozen=True)
class Member:
    user_id: int
    first_name: str
    last_name: str
    email: str | None
    role: str

    def __repr__(self) -> str:
        return f"Member(user_id={self.user_id!r})"


class MemberDirectory(Protocol):
    def members(self, organization_id: int) -> list[Member]: ...

