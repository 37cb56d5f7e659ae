"""A certificate to read or print: the pupil's own (published), or any of the session's
for a member of its organisation (once processed)."""

from __future__ import annotations

from pix_core.certification.domain.candidates import CandidateRepository
from pix_core.certification.domain.certificates import (
    CertificateRepository,
    PublishedCertificate,
)
from pix_core.certification.domain.errors import CertificateNotFound
from pix_core.certification.domain.sessions import CertificationSession, SessionRepository
from pix_core.certification.usecases.find_member_session import find_member_session
from pix_core.certification.usecases.find_my_candidate import find_my_candidate
from pix_core.orga.domain.memberships import MembershipRepository
from pix_core.orga.domain.organizations import OrganizationRepository
from roster.domain.learners import Organization


def show_my_certificate(user_id: int, candidate_id: int, *, candidates: CandidateRepository,
                        sessions: SessionRepository, certificates: CertificateRepository
                        ) -> PublishedCertificate:
    candidate, session = find_my_candidate(user_id, candidate_id, candidates=candidates,
                                           sessions=sessions)
    if not session.is_published:
        raise CertificateNotFound("not_published")
    return _certificate(candidate_id, session, sessions.organization_of(session),
                        candidates, certificates)


def show_session_certificate(
    user_id: int, uai: str, session_id: int, candidate_id: int, *,
    organizations: OrganizationRepository, memberships: MembershipRepository,
    sessions: SessionRepository, candidates: CandidateRepository,
    certificates: CertificateRepository,
) -> PublishedCertificate:
    organization, session = find_member_session(
        user_id, uai, session_id, organizations=organizations, memberships=memberships,
        sessions=sessions)
    candidate = candidates.get(candidate_id)
    if candidate is None or candidate.session_id != session_id:
        raise CertificateNotFound()
    return _certificate(candidate_id, session, organization, candidates, certificates)


def _certificate(candidate_id: int, session: CertificationSession, organization: Organization,
                 candidates: CandidateRepository, certificates: CertificateRepository
                 ) -> PublishedCertificate:
    candidate = candidates.get(candidate_id)
    certificate = certificates.for_candidate(candidate_id)
    if candidate is None or certificate is None:
        raise CertificateNotFound()
    return PublishedCertificate(certificate, candidate.last_name, candidate.first_name,
                                session.details.date, organization.name or organization.uai)
