"""The pupil's own candidacy (every page of the pupil's test asks this first)."""

from __future__ import annotations

from pix_core.certification.domain.candidates import Candidate, CandidateRepository
from pix_core.certification.domain.errors import CandidateNotFound
from pix_core.certification.domain.sessions import CertificationSession, SessionRepository


def find_my_candidate(user_id: int, candidate_id: int, *, candidates: CandidateRepository,
                      sessions: SessionRepository
                      ) -> tuple[Candidate, CertificationSession]:
    """Another pupil's candidacy is as unknown as a missing one."""
    candidate = candidates.get(candidate_id)
    if candidate is None or candidate.user_id != user_id:
        raise CandidateNotFound()
    session = sessions.get(candidate.session_id)
    if session is None:  # the foreign key makes this impossible
        raise CandidateNotFound("session_gone")
    return candidate, session
