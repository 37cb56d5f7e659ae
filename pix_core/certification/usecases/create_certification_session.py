"""A member of an organisation creates a certification session and gets its codes."""

from __future__ import annotations

from collections.abc import Callable

from kernel.clock import Clock
from kernel.stored import NotStored
from pix_core.certification.domain.codes import (
    MAX_CODE_ATTEMPTS,
    generate_access_code,
    generate_supervisor_password,
)
from pix_core.certification.domain.errors import CodeSpaceExhausted, CodeTaken
from pix_core.certification.domain.sessions import (
    CertificationSession,
    SessionDetails,
    SessionRepository,
    SessionStatus,
)
from pix_core.orga.domain.memberships import MembershipRepository
from pix_core.orga.domain.organizations import OrganizationRepository
from pix_core.orga.usecases.authorize_member import authorize_member


def create_certification_session(
    user_id: int,
    uai: str,
    details: SessionDetails,
    *,
    organizations: OrganizationRepository,
    memberships: MembershipRepository,
    sessions: SessionRepository,
    clock: Clock,
    new_access_code: Callable[[], str] = generate_access_code,
    new_password: Callable[[], str] = generate_supervisor_password,
) -> CertificationSession:
    organization, _ = authorize_member(user_id, uai, organizations, memberships)
    if organization.id is None:
        raise NotStored(organization)
    for _ in range(MAX_CODE_ATTEMPTS):
        code = new_access_code()
        if sessions.access_code_exists(code):
            continue
        try:
            return sessions.add(CertificationSession(
                None, organization.id, details, code, new_password(), SessionStatus.CREATED,
                user_id, clock()))
        except CodeTaken:  # taken between the check and the insert
            continue
    raise CodeSpaceExhausted()
