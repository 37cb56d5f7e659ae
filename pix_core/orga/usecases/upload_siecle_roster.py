"""An organisation's administrator uploads its SIECLE export (Pix Orga's import page).

The import itself is the roster's ``import_siecle_roster``; this use case checks who asks
and hands the file over through ``importer`` (``orga.adapters.siecle_importer``, wired in
``create_app``), so the rules stay there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from pix_core.orga.domain.memberships import MembershipRepository
from pix_core.orga.domain.organizations import OrganizationRepository
from pix_core.orga.usecases.authorize_member import authorize_member
from roster.domain.learners import Organization


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
