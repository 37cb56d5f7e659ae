"""The session of an organisation, for one of its members (every Pix Orga page asks it)."""

from __future__ import annotations

from pix_core.certification.domain.errors import SessionNotFound
from pix_core.certification.domain.sessions import CertificationSession, SessionRepository
from pix_core.orga.domain.memberships import MembershipRepository
from pix_core.orga.domain.organizations import OrganizationRepository
from pix_core.orga.usecases.authorize_member import authorize_member
from roster.domain.learners import Organization


def find_member_session(
    user_id: int, uai: str, session_id: int, *, organizations: OrganizationRepository,
    memberships: MembershipRepository, sessions: SessionRepository,
) -> tuple[Organization, CertificationSession]:
    """``SessionNotFound`` for a session of another organisation (same as an unknown one)."""
    organization, _ = authorize_member(user_id, uai, organizations, memberships)
    session = sessions.get(session_id)
    if session is None or session.organization_id != organization.id:
        raise SessionNotFound()
    return organization, session
