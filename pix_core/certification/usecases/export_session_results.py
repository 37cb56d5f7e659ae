"""The session's results as a CSV for the school (once processed)."""

from __future__ import annotations

from pix_core.certification.domain.candidates import CandidateRepository
from pix_core.certification.domain.certificates import CertificateRepository
from pix_core.certification.domain.errors import SessionClosed
from pix_core.certification.domain.results import results_csv
from pix_core.certification.domain.sessions import SessionRepository, SessionStatus
from pix_core.certification.usecases.find_member_session import find_member_session
from pix_core.evaluation.domain.framework import Framework
from pix_core.orga.domain.memberships import MembershipRepository
from pix_core.orga.domain.organizations import OrganizationRepository

WITH_RESULTS = {SessionStatus.PROCESSED, SessionStatus.PUBLISHED}


def export_session_results(
    user_id: int, uai: str, session_id: int, *, organizations: OrganizationRepository,
    memberships: MembershipRepository, sessions: SessionRepository,
    candidates: CandidateRepository, certificates: CertificateRepository,
    framework: Framework,
) -> bytes:
    _, session = find_member_session(user_id, uai, session_id, organizations=organizations,
                                     memberships=memberships, sessions=sessions)
    if session.status not in WITH_RESULTS:
        raise SessionClosed("no_results_yet")
    rows = [(c, certificates.for_candidate(c.id) if c.id is not None else None)
            for c in candidates.list_for_session(session_id)]
    return results_csv(rows, [c.code for c in framework.competences])
