"""An organisation's administrator uploads its SIECLE export (Pix Orga's import page).

The import itself is ``import_siecle_roster``; this use case checks who asks and hands
the file over through ``importer`` (wired in ``create_app``), so the rules stay there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from kernel.clock import Clock
from pix_core.domain.memberships import MembershipRepository, Organization, OrganizationRepository
from pix_core.usecases.authorize_member import authorize_member
from roster.domain.errors import SiecleImportError
from roster.domain.ports import RosterFileReader, RosterUnitOfWork
from roster.usecases.import_siecle_roster import import_siecle_roster


@dataclass(frozen=True)
class ImportProblem:
    code: str
    message: str
    location: str | None = None


@dataclass(frozen=True)
class UploadResult:
    """Counts on success; ``problems`` (and the previous roster untouched) on failure."""

    ok: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    gone: int = 0
    problems: tuple[ImportProblem, ...] = field(default=())


RosterImporter = Callable[[Organization, str, BinaryIO], UploadResult]


def upload_siecle_roster(
    user_id: int,
    uai: str,
    filename: str,
    stream: BinaryIO,
    *,
    organizations: OrganizationRepository,
    memberships: MembershipRepository,
    importer: RosterImporter,
) -> UploadResult:
    """ADMIN only (``MembershipRequired`` otherwise)."""
    organization, _ = authorize_member(user_id, uai, organizations, memberships, admin=True)
    return importer(organization, filename, stream)


def siecle_importer(
    make_uow: Callable[[], RosterUnitOfWork], read_roster: RosterFileReader, clock: Clock
) -> RosterImporter:
    """A ``RosterImporter`` running ``import_siecle_roster`` in its own transaction."""

    def run(organization: Organization, filename: str, stream: BinaryIO) -> UploadResult:
        try:
            report = import_siecle_roster(organization.uai, stream, filename, uow=make_uow(),
                                          read_roster=read_roster, clock=clock)
        except SiecleImportError as error:
            return UploadResult(ok=False, problems=tuple(
                ImportProblem(e.code.value, e.message, e.location) for e in error.errors))
        return UploadResult(ok=True, created=report.created, updated=report.updated,
                            unchanged=report.unchanged, gone=report.marked_gone)

    return run
