"""What the SIECLE import needs from the outside: a file reader and storage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import BinaryIO, Protocol

from roster.domain.learners import Learner, Organization
from roster.domain.records import RosterFile


class RosterFileReader(Protocol):
    def __call__(self, file: BinaryIO, filename: str) -> RosterFile:
        """Read an XML (raw or zipped) or CSV export; raise ``SiecleImportError``.

        Implementation: ``roster.reading.read_roster_file``.
        """
        ...


class OrganizationRepository(Protocol):
    def get_by_uai(self, uai: str, *, for_update: bool = False) -> Organization | None: ...

    def add(self, organization: Organization) -> Organization: ...

    def mark_imported(self, organization_id: int, when: datetime) -> None: ...


class LearnerRepository(Protocol):
    def get(self, learner_id: int) -> Learner | None: ...

    def get_by_ine(self, organization_id: int, ine: str) -> Learner | None: ...

    def list_active(self, organization_id: int) -> list[Learner]: ...

    def list_all(self, organization_id: int) -> list[Learner]: ...

    def upsert_batch(self, learners: Sequence[Learner]) -> None:
        """Insert learners without id, update the others (never their ``user_id``)."""
        ...

    def mark_gone(self, learner_ids: Sequence[int], when: datetime) -> None: ...


class RosterUnitOfWork(Protocol):
    """One transaction: ``with uow: ...; uow.commit()``; rolled back unless committed."""

    @property
    def organizations(self) -> OrganizationRepository: ...

    @property
    def learners(self) -> LearnerRepository: ...

    def __enter__(self) -> RosterUnitOfWork: ...

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None: ...

    def commit(self) -> None: ...
