"""The pupil's certifications: each candidacy, its session and, once published, the
certificate."""

from __future__ import annotations

from dataclasses import dataclass

from kernel.stored import NotStored
from pix_core.certification.domain.candidates import Candidate, CandidateRepository
from pix_core.certification.domain.certificates import Certificate, CertificateRepository
from pix_core.certification.domain.sessions import CertificationSession, SessionRepository


@dataclass(frozen=True)
class MyCertification:
    candidate: Candidate
    session: CertificationSession
    certificate: Certificate | None  # only once the session is published


def list_my_certifications(user_id: int, *, candidates: CandidateRepository,
                           sessions: SessionRepository, certificates: CertificateRepository
                           ) -> list[MyCertification]:
    mine = []
    for candidate in candidates.list_for_user(user_id):
        session = sessions.get(candidate.session_id)
        if session is None:  # the foreign key makes this impossible
            continue
        if candidate.id is None:
            raise NotStored(candidate)
        certificate = (certificates.for_candidate(candidate.id)
                       if session.is_published else None)
        mine.append(MyCertification(candidate, session, certificate))
    return mine
