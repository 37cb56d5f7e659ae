"""Compute every candidate's certificate once the session is finalised.

Each candidate who started gets a certificate (scored by ``domain/scoring.py`` from the
levels positioned at the start and their answers) with a fresh verification code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from kernel.clock import Clock
from kernel.stored import NotStored
from pix_core.certification.domain.candidates import (
    Candidate,
    CandidateRepository,
    CertificationAnswerRepository,
)
from pix_core.certification.domain.certificates import Certificate, CertificateRepository
from pix_core.certification.domain.codes import MAX_CODE_ATTEMPTS, generate_verification_code
from pix_core.certification.domain.errors import CodeSpaceExhausted, CodeTaken
from pix_core.certification.domain.scoring import Tally, score_certification
from pix_core.certification.domain.sessions import CertificationSession, SessionRepository
from pix_core.certification.usecases.find_member_session import find_member_session
from pix_core.orga.domain.memberships import MembershipRepository
from pix_core.orga.domain.organizations import OrganizationRepository


def process_certification_session(
    user_id: int, uai: str, session_id: int, *, organizations: OrganizationRepository,
    memberships: MembershipRepository, sessions: SessionRepository,
    candidates: CandidateRepository, answers: CertificationAnswerRepository,
    certificates: CertificateRepository, clock: Clock,
    new_code: Callable[[], str] = generate_verification_code,
) -> CertificationSession:
    _, session = find_member_session(user_id, uai, session_id, organizations=organizations,
                                     memberships=memberships, sessions=sessions)
    session = session.processed(clock())
    sessions.update(session)
    for candidate in candidates.list_for_session(session_id):
        if candidate.positioned is None or candidate.id is None:
            continue  # never started: no certificate
        if certificates.for_candidate(candidate.id) is None:
            _certify(candidate, answers, certificates, clock, new_code)
    return session


def _certify(candidate: Candidate, answers: CertificationAnswerRepository,
             certificates: CertificateRepository, clock: Clock,
             new_code: Callable[[], str]) -> None:
    if candidate.id is None:
        raise NotStored(candidate)
    if candidate.positioned is None:  # never started: no certificate
        return
    given = answers.list_for_candidate(candidate.id)
    asked = Counter(a.competence_code for a in given)
    correct = Counter(a.competence_code for a in given if a.correct)
    result = score_certification(
        candidate.positioned, {code: Tally(n, correct[code]) for code, n in asked.items()})
    for _ in range(MAX_CODE_ATTEMPTS):
        code = new_code()
        if certificates.code_exists(code):
            continue
        try:
            certificates.add(Certificate(None, candidate.id, code, result.correct,
                                         result.asked, result.is_certified,
                                         result.competences, clock()))
        except CodeTaken:
            continue
        return
    raise CodeSpaceExhausted()
