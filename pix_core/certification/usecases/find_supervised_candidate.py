"""A candidate of the supervised session (the supervisor's actions ask this first)."""

from __future__ import annotations

from pix_core.certification.domain.candidates import Candidate, CandidateRepository
from pix_core.certification.domain.errors import CandidateNotFound, SittingNotAllowed
from pix_core.certification.domain.sessions import SessionRepository


def find_supervised_candidate(session_id: int, candidate_id: int, sessions: SessionRepository,
                              candidates: CandidateRepository) -> Candidate:
    """A candidate of the supervised session, which must still be open."""
    session = sessions.get(session_id)
    if session is None or not session.is_open:
        raise SittingNotAllowed("session_closed")
    candidate = candidates.get(candidate_id)
    if candidate is None or candidate.session_id != session_id:
        raise CandidateNotFound()
    return candidate
