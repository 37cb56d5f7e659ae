"""The supervisor lets a waiting candidate start."""

from __future__ import annotations

from pix_core.certification.domain.candidates import Candidate, CandidateRepository
from pix_core.certification.domain.sessions import SessionRepository
from pix_core.certification.usecases.find_supervised_candidate import find_supervised_candidate


def authorise_candidate(session_id: int, candidate_id: int, *, sessions: SessionRepository,
                        candidates: CandidateRepository) -> Candidate:
    candidate = find_supervised_candidate(session_id, candidate_id, sessions, candidates)
    authorised = candidate.authorised()
    candidates.update(authorised)
    return authorised

