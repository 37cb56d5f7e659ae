"""SQL memberships, invitations, members, and the roster as Pix Orga and reconciliation see it.

Tying a learner to an account is one conditional UPDATE (``... WHERE user_id IS NULL``):
of two concurrent ties of the same learner, exactly one changes a row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kernel.sql.base import as_utc
from pix_core.accounts.adapters.sql.tables import UserRow
from pix_core.orga.adapters.sql.tables import MembershipRow, OrganizationInvitationRow
from pix_core.orga.domain.invitations import Invitation, Member
from pix_core.orga.domain.learners import LearnerLink, RosterLine
from pix_core.orga.domain.memberships import Membership, Role
from pix_core.shared.adapters.sql.dates import maybe_utc
from roster.domain.learners import Organization
from roster.domain.matching import RosterEntry
from roster.sql.repositories import organization_from_row
from roster.sql.tables import OrganizationLearnerRow, OrganizationRow

L = OrganizationLearnerRow
I = OrganizationInvitationRow  # noqa: E741


class SqlMembershipRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def find(self, user_id: int, organization_id: int) -> Membership | None:
        row = self._session.scalars(
            select(MembershipRow).where(
                MembershipRow.user_id == user_id, MembershipRow.organization_id == organization_id
            )
        ).one_or_none()
        return None if row is None else _membership(row)

    def add(self, membership: Membership) -> Membership:
        row = MembershipRow(
            user_id=membership.user_id,
            organization_id=membership.organization_id,
            role=membership.role.value,
            created_at=membership.created_at,
        )
        self._session.add(row)
        self._session.flush()
        return _membership(row)

    def update(self, membership: Membership) -> None:
        row = self._session.get_one(MembershipRow, membership.id)
        row.role = membership.role.value
        self._session.flush()

    def list_for_user(self, user_id: int) -> list[tuple[Membership, Organization]]:
        rows = self._session.execute(
            select(MembershipRow, OrganizationRow)
            .join(OrganizationRow, OrganizationRow.id == MembershipRow.organization_id)
            .where(MembershipRow.user_id == user_id)
            .order_by(OrganizationRow.name, OrganizationRow.uai)
        )
        return [(_membership(m), organization_from_row(o)) for m, o in rows]


class SqlLearnerLinkRepository:
    """``organization_learners`` as reconciliation and the roster page need it."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def active_entries(self, organization_id: int) -> list[RosterEntry]:
        rows = self._session.scalars(
            select(L).where(L.organization_id == organization_id, L.is_active.is_(True))
        )
        return [_entry(row) for row in rows]

    def tied_entries_for_ine(self, ine: str) -> list[tuple[RosterEntry, int | None]]:
        rows = self._session.scalars(select(L).where(L.ine == ine).order_by(L.id))
        return [(_entry(row), row.user_id) for row in rows]

    def find_for_user(self, organization_id: int, user_id: int) -> LearnerLink | None:
        return self._one(select(L).where(L.organization_id == organization_id,
                                         L.user_id == user_id).order_by(L.id).limit(1))

    def find_by_ine(self, organization_id: int, ine: str) -> LearnerLink | None:
        return self._one(select(L).where(L.organization_id == organization_id, L.ine == ine))

    def get(self, learner_id: int) -> LearnerLink | None:
        return self._one(select(L).where(L.id == learner_id))

    def roster_lines(self, organization_id: int) -> list[RosterLine]:
        rows = self._session.scalars(select(L).where(L.organization_id == organization_id))
        return [
            RosterLine(row.last_name, row.first_name, row.division,
                       row.birthdate, row.is_active, row.user_id is not None, row.id)
            for row in rows
        ]

    def tie(self, learner_id: int, user_id: int, now: datetime) -> bool:
        result = self._session.execute(
            update(L)
            .where(L.id == learner_id, L.user_id.is_(None))
            .values(user_id=user_id, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1  # type: ignore[attr-defined]

    def _one(self, query: object) -> LearnerLink | None:
        row = self._session.execute(
            query.with_only_columns(  # type: ignore[attr-defined]
                L.id, L.organization_id, L.ine, L.user_id, L.is_active
            )
        ).one_or_none()
        return None if row is None else LearnerLink(*row)


class SqlInvitationRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, invitation: Invitation) -> Invitation:
        row = I(organization_id=invitation.organization_id, email=invitation.email,
                token_hash=invitation.token_hash, created_by=invitation.created_by,
                created_at=invitation.created_at)
        self._session.add(row)
        self._session.flush()
        return _invitation(row)

    def update(self, invitation: Invitation) -> None:
        row = self._session.get_one(I, invitation.id)
        row.token_hash, row.created_by = invitation.token_hash, invitation.created_by
        row.created_at, row.accepted_at = invitation.created_at, invitation.accepted_at
        row.accepted_by = invitation.accepted_by
        self._session.flush()

    def find_by_token_hash(self, token_hash: str) -> Invitation | None:
        row = self._session.scalars(select(I).where(I.token_hash == token_hash)).one_or_none()
        return None if row is None else _invitation(row)

    def find_pending(self, organization_id: int, email: str) -> Invitation | None:
        row = self._session.scalars(
            select(I).where(I.organization_id == organization_id, I.email == email,
                            I.accepted_at.is_(None)).order_by(I.id.desc()).limit(1)
        ).one_or_none()
        return None if row is None else _invitation(row)

    def list_pending(self, organization_id: int) -> list[Invitation]:
        rows = self._session.scalars(select(I).where(
            I.organization_id == organization_id, I.accepted_at.is_(None)).order_by(I.id))
        return [_invitation(row) for row in rows]

    def organization_of(self, invitation: Invitation) -> Organization:
        return organization_from_row(
            self._session.get_one(OrganizationRow, invitation.organization_id))


class SqlMemberDirectory:
    def __init__(self, session: Session) -> None:
        self._session = session

    def members(self, organization_id: int) -> list[Member]:
        rows = self._session.execute(
            select(UserRow.id, UserRow.first_name, UserRow.last_name, UserRow.email,
                   MembershipRow.role)
            .join(MembershipRow, MembershipRow.user_id == UserRow.id)
            .where(MembershipRow.organization_id == organization_id)
            .order_by(UserRow.last_name, UserRow.first_name, UserRow.id))
        return [Member(*row) for row in rows]


def _membership(row: MembershipRow) -> Membership:
    return Membership(row.id, row.user_id, row.organization_id, Role(row.role),
                      as_utc(row.created_at))


def _invitation(row: OrganizationInvitationRow) -> Invitation:
    return Invitation(row.id, row.organization_id, row.email, row.token_hash, row.created_by,
                      as_utc(row.created_at), maybe_utc(row.accepted_at), row.accepted_by)


def _entry(row: L) -> RosterEntry:
    return RosterEntry(
        learner_id=row.id,
        ine=row.ine,
        first_names=tuple(n for n in (row.first_name, row.second_name, row.third_name) if n),
        last_names=tuple(n for n in (row.last_name, row.usage_name) if n),
        birthdate=row.birthdate,
        division=row.division,
    )
