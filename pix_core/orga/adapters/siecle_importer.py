"""The ``RosterImporter`` of Pix Orga's upload: the roster's import, in its own transaction.

The roster package owns the import (``roster.usecases.import_siecle_roster``: the rules,
the tables); this adapter runs it on a fresh roster unit of work and turns its report or
its refusal into the upload page's ``UploadResult``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO

from kernel.clock import Clock
from pix_core.orga.usecases.upload_siecle_roster import ImportProblem, RosterImporter, UploadResult
from roster.domain.errors import SiecleImportError
from roster.domain.learners import Organization
from roster.domain.ports import RosterFileReader, RosterUnitOfWork
from roster.usecases.import_siecle_roster import import_siecle_roster


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
