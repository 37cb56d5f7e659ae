"""A session's page in Pix Orga: details, codes, candidates, learners one may enrol."""

from __future__ import annotations

from dataclasses import dataclass

from kernel.stored import NotStored
from pix_core.certification.domain.candidates import (
    Candidate,
    CandidateRepository,
    EnrollableLearner,
    EnrollableLearners,
)
from pix_core.certification.domain.certificates import Certificate, CertificateRepository
from pix_core.certification.domain.sessions import CertificationSession, SessionRepository
from pix_core.certification.usecases.find_member_session import find_member_session
from pix_core.orga.domain.memberships import MembershipRepository
from pix_core.orga.domain.organizations import OrganizationRepository
from roster.domain.learners import Organization


@dataclass(frozen=True)
class SessionView:
    organization: Organization
    session: CertificationSession
    candidates: list[tuple[Candidate, Certificate | None]]
    learners: list[EnrollableLearner]  # active ones not enrolled yet

    @property
    def divisions(self) -> list[str]:
        return sorted({x.division for x in self.learners if x.division})


def show_certification_session(
    user_id: int, uai: str, session_id: int, *, organizations: OrganizationRepository,
    memberships: MembershipRepository, sessions: SessionRepository,
    candidates: CandidateRepository, learners: EnrollableLearners,
    certificates: CertificateRepository,
) -> SessionView:
    organization, session = find_member_session(
        user_id, uai, session_id, organizations=organizations, memberships=memberships,
        sessions=sessions)
    if organization.id is None:
        raise NotStored(organization)
    enrolled = candidates.list_for_session(session_id)
    taken = {c.learner_id for c in enrolled}
    rows = [(c, certificates.for_candidate(c.id) if c.id is not None else None)
            for c in enrolled]
    free = [x for x in learners.of_organization(organization.id)
            if x.is_active and x.learner_id not in taken]
    return SessionView(organization, session, rows, free)
