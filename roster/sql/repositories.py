"""SQL organisations and learners (SIECLE roster), and the unit of work of an import.

``organization_from_row`` is public: pix_core's repositories read organisations too."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from itertools import islice
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, insert, select, true, update
from sqlalchemy.orm import Session, sessionmaker

from kernel.sql.base import as_utc
from roster.domain.learners import DATA_FIELDS, Learner, Organization
from roster.sql.tables import OrganizationLearnerRow, OrganizationRow

BATCH = 500
_LEARNER_COLUMNS = (*DATA_FIELDS, "organization_id", "is_active", "left_at", "user_id",
                    "created_at", "updated_at")
_UPDATED_COLUMNS = (*DATA_FIELDS, "is_active", "left_at", "updated_at")  # never user_id


class SqlOrganizationRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get_by_uai(self, uai: str, *, for_update: bool = False) -> Organization | None:
        """``for_update`` locks the row (PostgreSQL) so two imports of a school queue up."""
        query = select(OrganizationRow).where(OrganizationRow.uai == uai)
        if for_update:
            query = query.with_for_update()
        row = self._session.scalars(query).one_or_none()
        return None if row is None else organization_from_row(row)

    def add(self, organization: Organization) -> Organization:
        row = OrganizationRow(uai=organization.uai, name=organization.name,
                              created_at=organization.created_at,
                              siecle_imported_at=organization.siecle_imported_at)
        self._session.add(row)
        self._session.flush()
        return organization_from_row(row)

    def mark_imported(self, organization_id: int, when: datetime) -> None:
        self._session.execute(update(OrganizationRow)
                              .where(OrganizationRow.id == organization_id)
                              .values(siecle_imported_at=when))


class SqlLearnerRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, learner_id: int) -> Learner | None:
        row = self._session.get(OrganizationLearnerRow, learner_id)
        return None if row is None else _learner(row)

    def get_by_ine(self, organization_id: int, ine: str) -> Learner | None:
        row = self._session.scalars(select(OrganizationLearnerRow).where(
            OrganizationLearnerRow.organization_id == organization_id,
            OrganizationLearnerRow.ine == ine)).one_or_none()
        return None if row is None else _learner(row)

    def list_active(self, organization_id: int) -> list[Learner]:
        return self._list(organization_id, active_only=True)

    def list_all(self, organization_id: int) -> list[Learner]:
        return self._list(organization_id, active_only=False)

    def upsert_batch(self, learners: Sequence[Learner]) -> None:
        """Insert learners without id, update the others by id; ``user_id`` is never written
        on update (account linking owns it)."""
        new = [_values(learner, _LEARNER_COLUMNS) for learner in learners if learner.id is None]
        known = [{"id": learner.id, **_values(learner, _UPDATED_COLUMNS)}
                 for learner in learners if learner.id is not None]
        for chunk in batched(new, BATCH):
            self._session.execute(insert(OrganizationLearnerRow), chunk)
        for chunk in batched(known, BATCH):
            self._session.execute(update(OrganizationLearnerRow), chunk)

    def mark_gone(self, learner_ids: Sequence[int], when: datetime) -> None:
        """Inactive from ``when``; rows are kept (and their ``user_id``)."""
        for chunk in batched(learner_ids, BATCH):
            self._session.execute(
                update(OrganizationLearnerRow)
                .where(OrganizationLearnerRow.id.in_(chunk),
                       OrganizationLearnerRow.is_active== true())
                .values(is_active=False, left_at=when, updated_at=when))

    def _list(self, organization_id: int, *, active_only: bool) -> list[Learner]:
        query = (select(OrganizationLearnerRow)
                 .where(OrganizationLearnerRow.organization_id == organization_id)
                 .order_by(OrganizationLearnerRow.id))
        if active_only:
            query = query.where(OrganizationLearnerRow.is_active== true())
        return [_learner(row) for row in self._session.scalars(query)]


class SqlRosterUnitOfWork:
    """One transaction: ``with uow: ...; uow.commit()``; rolled back unless committed."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self.organizations = SqlOrganizationRepository(session)
        self.learners = SqlLearnerRepository(session)

    def __enter__(self) -> SqlRosterUnitOfWork:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._session.rollback()
        self._session.close()

    def commit(self) -> None:
        self._session.commit()


def roster_unit_of_work_factory(engine: Engine) -> Callable[[], SqlRosterUnitOfWork]:
    """A callable creating a fresh :class:`SqlRosterUnitOfWork` per import."""
    make_session = sessionmaker(engine, expire_on_commit=False)
    return lambda: SqlRosterUnitOfWork(make_session())


def batched(items: Sequence[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _values(learner: Learner, columns: Sequence[str]) -> dict[str, Any]:
    return {name: getattr(learner, name) for name in columns}


def organization_from_row(row: OrganizationRow) -> Organization:
    imported = row.siecle_imported_at
    return Organization(id=row.id, uai=row.uai, name=row.name,
                        created_at=as_utc(row.created_at),
                        siecle_imported_at=None if imported is None else as_utc(imported))


def _learner(row: OrganizationLearnerRow) -> Learner:
    values = {name: getattr(row, name) for name in DATA_FIELDS}
    return Learner(id=row.id, organization_id=row.organization_id, is_active=row.is_active,
                   left_at=None if row.left_at is None else as_utc(row.left_at),
                   user_id=row.user_id, created_at=as_utc(row.created_at),
                   updated_at=as_utc(row.updated_at), **values)
