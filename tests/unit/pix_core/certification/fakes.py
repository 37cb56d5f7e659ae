"""In-memory certification repositories and a unit of work holding every context's fakes."""

from __future__ import annotations

from dataclasses import replace

from pix_core.certification.domain.candidates import (
    Candidate,
    CertificationAnswer,
    EnrollableLearner,
)
from pix_core.certification.domain.certificates import Certificate, PublishedCertificate
from pix_core.certification.domain.errors import CodeTaken, LearnerCannotEnrol, SittingNotAllowed
from pix_core.certification.domain.sessions import CertificationSession
from tests.unit.pix_core.campaigns.fakes import CampaignUnitOfWork


class FakeSessions:
    def __init__(self, organizations) -> None:
        self.rows: dict[int, CertificationSession] = {}
        self.organizations = organizations

    def add(self, session):
        if self.access_code_exists(session.access_code):
            raise CodeTaken()
        stored = replace(session, id=len(self.rows) + 1)
        self.rows[stored.id] = stored
        return stored

    def access_code_exists(self, code):
        return any(s.access_code == code for s in self.rows.values())

    def get(self, session_id):
        return self.rows.get(session_id)

    def get_by_access_code(self, code):
        return next((s for s in self.rows.values() if s.access_code == code), None)

    def list_for_organization(self, organization_id):
        return [s for s in self.rows.values() if s.organization_id == organization_id]

    def update(self, session):
        self.rows[session.id] = session

    def organization_of(self, session):
        return self.organizations.rows[session.organization_id]


class FakeCandidates:
    def __init__(self) -> None:
        self.rows: dict[int, Candidate] = {}

    def add(self, candidate):
        if any(c.session_id == candidate.session_id and c.learner_id == candidate.learner_id
               for c in self.rows.values()):
            raise LearnerCannotEnrol("already_enrolled")
        stored = replace(candidate, id=len(self.rows) + 1)
        self.rows[stored.id] = stored
        return stored

    def get(self, candidate_id):
        return self.rows.get(candidate_id)

    def list_for_session(self, session_id):
        return [c for c in self.rows.values() if c.session_id == session_id]

    def find_for_user(self, session_id, user_id):
        return next((c for c in self.list_for_session(session_id) if c.user_id == user_id),
                    None)

    def list_for_user(self, user_id):
        return [c for c in self.rows.values() if c.user_id == user_id]

    def update(self, candidate):
        self.rows[candidate.id] = candidate


class FakeCertificationAnswers:
    def __init__(self) -> None:
        self.rows: list[CertificationAnswer] = []

    def add(self, answer):
        if any(a.candidate_id == answer.candidate_id and a.challenge_id == answer.challenge_id
               for a in self.rows):
            raise SittingNotAllowed("answer_already_given")
        self.rows.append(answer)

    def list_for_candidate(self, candidate_id):
        return [a for a in self.rows if a.candidate_id == candidate_id]


class FakeCertificates:
    def __init__(self, sessions: FakeSessions, candidates: FakeCandidates) -> None:
        self.rows: list[Certificate] = []
        self.sessions, self.candidates = sessions, candidates

    def add(self, certificate):
        if self.code_exists(certificate.verification_code):
            raise CodeTaken()
        stored = replace(certificate, id=len(self.rows) + 1)
        self.rows.append(stored)
        return stored

    def code_exists(self, code):
        return any(c.verification_code == code for c in self.rows)

    def for_candidate(self, candidate_id):
        return next((c for c in self.rows if c.candidate_id == candidate_id), None)

    def published_by_code(self, code):
        for certificate in self.rows:
            candidate = self.candidates.get(certificate.candidate_id)
            session = self.sessions.get(candidate.session_id)
            if certificate.verification_code == code and session.is_published:
                organization = self.sessions.organization_of(session)
                return PublishedCertificate(certificate, candidate.last_name,
                                            candidate.first_name, session.details.date,
                                            organization.name or organization.uai)
        return None


class FakeEnrollableLearners:
    def __init__(self) -> None:
        self.rows: list[tuple[int, EnrollableLearner]] = []

    def of_organization(self, organization_id):
        return [x for org, x in self.rows if org == organization_id]


class CertificationUnitOfWork(CampaignUnitOfWork):
    def __init__(self):
        super().__init__()
        self.certification_sessions = FakeSessions(self.organizations)
        self.certification_candidates = FakeCandidates()
        self.certification_answers = FakeCertificationAnswers()
        self.certificates = FakeCertificates(self.certification_sessions,
                                             self.certification_candidates)
        self.enrollable_learners = FakeEnrollableLearners()
