"""The organisation's certification sessions, for its members."""

from __future__ import annotations

from kernel.stored import NotStored
from pix_core.certification.domain.sessions import CertificationSession, SessionRepository
from pix_core.orga.domain.memberships import MembershipRepository
from pix_core.orga.domain.organizations import OrganizationRepository
from pix_core.orga.usecases.authorize_member import authorize_member
from roster.domain.learners import Organization


def list_certification_sessions(
    user_id: int, uai: str, *, organizations: OrganizationRepository,
    memberships: MembershipRepository, sessions: SessionRepository,
) -> tuple[Organization, list[CertificationSession]]:
    organization, _ = authorize_member(user_id, uai, organizations, memberships)
    if organization.id is None:
        raise NotStored(organization)
    return organization, sessions.list_for_organization(organization.id)
