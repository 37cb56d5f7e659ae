"""The supervisor ends a candidate's test (or wait), with a reason."""

from __future__ import annotations

from pix_core.certification.domain.candidates import Candidate, CandidateRepository
from pix_core.certification.domain.sessions import SessionRepository
from pix_core.certification.usecases.find_supervised_candidate import find_supervised_candidate


def end_candidate_test(session_id: int, candidate_id: int, reason: str, *,
                       sessions: SessionRepository, candidates: CandidateRepository
                       ) -> Candidate:
    candidate = find_supervised_candidate(session_id, candidate_id, sessions, candidates)
    ended = candidate.ended(reason)
    candidates.update(ended)
    return ended
