"""Publish a processed session: pupils see their certificate, anyone may verify it."""

from __future__ import annotations

from kernel.clock import Clock
from pix_core.certification.domain.sessions import CertificationSession, SessionRepository
from pix_core.certification.usecases.find_member_session import find_member_session
from pix_core.orga.domain.memberships import MembershipRepository
from pix_core.orga.domain.organizations import OrganizationRepository


def publish_certification_session(
    user_id: int, uai: str, session_id: int, *, organizations: OrganizationRepository,
    memberships: MembershipRepository, sessions: SessionRepository, clock: Clock,
) -> CertificationSession:
    _, session = find_member_session(user_id, uai, session_id, organizations=organizations,
                                     memberships=memberships, sessions=sessions)
    session = session.published(clock())
    sessions.update(session)
    return session
