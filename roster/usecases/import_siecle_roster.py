"""A school's SIECLE export replaces its roster, all at once or not at all."""

from __future__ import annotations

import logging
from typing import BinaryIO

from kernel.clock import Clock
from kernel.stored import NotStored
from roster.domain.errors import ErrorCode, SiecleImportError
from roster.domain.learners import Organization, is_valid_uai, normalize_uai
from roster.domain.ports import RosterFileReader, RosterUnitOfWork
from roster.domain.records import validate_roster
from roster.domain.roster import ImportReport, plan_roster

logger = logging.getLogger(__name__)


def import_siecle_roster(
    uai: str,
    file: BinaryIO,
    filename: str,
    *,
    uow: RosterUnitOfWork,
    read_roster: RosterFileReader,
    clock: Clock,
    create_organization: bool = False,
) -> ImportReport:
    """Read and check the whole file, then create/update/mark gone in one transaction.

    Raises :class:`SiecleImportError` (nothing written) listing every issue found.
    ``create_organization``: create the school when its UAI is unknown (admin command).
    """
    uai = normalize_uai(uai)
    try:
        if not is_valid_uai(uai):
            raise SiecleImportError.single(ErrorCode.INVALID_UAI, uai=uai)
        roster = read_roster(file, filename)
        learners = validate_roster(roster, uai)
        with uow:
            organization, created = _organization(uow, uai, clock, create_organization)
            if organization.id is None:
                raise NotStored(organization)
            now = clock()
            plan = plan_roster(organization.id, uow.learners.list_all(organization.id),
                               learners, now)
            uow.learners.upsert_batch([*plan.to_create, *plan.to_update])
            uow.learners.mark_gone([g.id for g in plan.gone if g.id is not None], now)
            uow.organizations.mark_imported(organization.id, now)
            uow.commit()
    except SiecleImportError as error:
        logger.warning("siecle import refused: %d issue(s), codes=%s",
                       len(error.errors), ",".join(error.codes))
        raise
    report = ImportReport(len(plan.to_create), len(plan.to_update), plan.unchanged,
                          len(plan.gone), dict(roster.skipped), created)
    logger.info("siecle import done: format=%s created=%d updated=%d unchanged=%d gone=%d "
                "skipped=%s", roster.format, report.created, report.updated, report.unchanged,
                report.marked_gone, report.skipped)
    return report


def _organization(uow: RosterUnitOfWork, uai: str, clock: Clock,
                  create: bool) -> tuple[Organization, bool]:
    organization = uow.organizations.get_by_uai(uai, for_update=True)
    if organization is not None:
        return organization, False
    if not create:
        raise SiecleImportError.single(ErrorCode.ORGANIZATION_NOT_FOUND, uai=uai)
    return uow.organizations.add(Organization.new(uai, clock())), True
