"""The examiner's report after the session: a note per candidate, a general comment.

Tests still in progress are ended (reason: the session was finalised); nobody can join or
answer afterwards.
"""

from __future__ import annotations

from collections.abc import Mapping

from kernel.clock import Clock
from pix_core.certification.domain.candidates import CandidateRepository, CandidateStatus
from pix_core.certification.domain.sessions import CertificationSession, SessionRepository
from pix_core.certification.usecases.find_member_session import find_member_session
from pix_core.orga.domain.memberships import MembershipRepository
from pix_core.orga.domain.organizations import OrganizationRepository

ENDED_AT_FINALISATION = "Session finalisée avant la fin du test"
IN_PROGRESS = {CandidateStatus.WAITING, CandidateStatus.AUTHORISED, CandidateStatus.STARTED}


def finalise_certification_session(
    user_id: int, uai: str, session_id: int, comment: str,
    incident_notes: Mapping[int, str], *, organizations: OrganizationRepository,
    memberships: MembershipRepository, sessions: SessionRepository,
    candidates: CandidateRepository, clock: Clock,
) -> CertificationSession:
    """``incident_notes``: candidate id → note (other ids are ignored)."""
    _, session = find_member_session(user_id, uai, session_id, organizations=organizations,
                                     memberships=memberships, sessions=sessions)
    session = session.finalised(comment, clock())
    sessions.update(session)
    for candidate in candidates.list_for_session(session_id):
        changed = candidate.with_incident(incident_notes.get(candidate.id or 0, ""))
        if changed.status in IN_PROGRESS:
            changed = changed.ended(ENDED_AT_FINALISATION)
        candidates.update(changed)
    return session
