"""What the supervisor's page lists: the session and its candidates with their status."""

from __future__ import annotations

from dataclasses import dataclass

from pix_core.certification.domain.candidates import Candidate, CandidateRepository
from pix_core.certification.domain.errors import SupervisorRefused
from pix_core.certification.domain.sessions import CertificationSession, SessionRepository


@dataclass(frozen=True)
class SupervisedSession:
    session: CertificationSession
    candidates: list[Candidate]

    @property
    def finished(self) -> int:
        return sum(1 for c in self.candidates if c.is_finished)


def show_supervised_session(session_id: int, *, sessions: SessionRepository,
                            candidates: CandidateRepository) -> SupervisedSession:
    session = sessions.get(session_id)
    if session is None:
        raise SupervisorRefused("session_gone")
    return SupervisedSession(session, candidates.list_for_session(session_id))
