"""SQL sessions, candidates, answers and certificates (``database.unit_of_work`` holds them).

Uniqueness (access code, verification code, one candidacy per learner and session, one
answer per challenge) is the database's job: the insert runs in a savepoint and a refused
one becomes the domain's error.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kernel.sql.base import as_utc
from pix_core.certification.adapters.sql.tables import (
    CertificateRow,
    CertificationAnswerRow,
    CertificationCandidateRow,
    CertificationSessionRow,
)
from pix_core.certification.domain.candidates import (
    Candidate,
    CandidateStatus,
    CertificationAnswer,
    EnrollableLearner,
)
from pix_core.certification.domain.certificates import Certificate, PublishedCertificate
from pix_core.certification.domain.errors import CodeTaken, LearnerCannotEnrol, SittingNotAllowed
from pix_core.certification.domain.scoring import CompetenceMark, Positioned
from pix_core.certification.domain.selection import SelectedChallenge
from pix_core.certification.domain.sessions import (
    CertificationSession,
    SessionDetails,
    SessionStatus,
)
from pix_core.shared.adapters.sql.dates import maybe_utc
from roster.domain.learners import Organization
from roster.sql.repositories import organization_from_row
from roster.sql.tables import OrganizationLearnerRow, OrganizationRow

S, C = CertificationSessionRow, CertificationCandidateRow


class SqlCertificationSessionRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, session: CertificationSession) -> CertificationSession:
        row = S(organization_id=session.organization_id, access_code=session.access_code,
                supervisor_password=session.supervisor_password,
                created_by=session.created_by, created_at=session.created_at)
        _fill_session(row, session)
        try:
            with self._session.begin_nested():
                self._session.add(row)
        except IntegrityError as error:
            raise CodeTaken() from error
        return _session(row)

    def access_code_exists(self, code: str) -> bool:
        return self._session.scalar(
            select(func.count()).select_from(S).where(S.access_code == code)) != 0

    def get(self, session_id: int) -> CertificationSession | None:
        row = self._session.get(S, session_id)
        return None if row is None else _session(row)

    def get_by_access_code(self, code: str) -> CertificationSession | None:
        row = self._session.scalars(select(S).where(S.access_code == code)).one_or_none()
        return None if row is None else _session(row)

    def list_for_organization(self, organization_id: int) -> list[CertificationSession]:
        rows = self._session.scalars(select(S).where(S.organization_id == organization_id)
                                     .order_by(S.date.desc(), S.id.desc()))
        return [_session(row) for row in rows]

    def update(self, session: CertificationSession) -> None:
        _fill_session(self._session.get_one(S, session.id), session)
        self._session.flush()

    def organization_of(self, session: CertificationSession) -> Organization:
        return organization_from_row(self._session.get_one(OrganizationRow,
                                                           session.organization_id))


class SqlCandidateRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, candidate: Candidate) -> Candidate:
        row = C(session_id=candidate.session_id, organization_learner_id=candidate.learner_id)
        _fill_candidate(row, candidate)
        try:
            with self._session.begin_nested():
                self._session.add(row)
        except IntegrityError as error:
            raise LearnerCannotEnrol("already_enrolled") from error
        return _candidate(row)

    def get(self, candidate_id: int) -> Candidate | None:
        row = self._session.get(C, candidate_id)
        return None if row is None else _candidate(row)

    def list_for_session(self, session_id: int) -> list[Candidate]:
        rows = self._session.scalars(select(C).where(C.session_id == session_id).order_by(
            C.division, C.last_name, C.first_name, C.id))
        return [_candidate(row) for row in rows]

    def find_for_user(self, session_id: int, user_id: int) -> Candidate | None:
        row = self._session.scalars(select(C).where(C.session_id == session_id,
                                                    C.user_id == user_id)).first()
        return None if row is None else _candidate(row)

    def list_for_user(self, user_id: int) -> list[Candidate]:
        rows = self._session.scalars(select(C).where(C.user_id == user_id).order_by(C.id))
        return [_candidate(row) for row in rows]

    def update(self, candidate: Candidate) -> None:
        _fill_candidate(self._session.get_one(C, candidate.id), candidate)
        self._session.flush()


class SqlEnrollableLearners:
    """The roster's learners of an organisation, as enrolment reads them."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def of_organization(self, organization_id: int) -> list[EnrollableLearner]:
        L = OrganizationLearnerRow
        rows = self._session.scalars(select(L).where(L.organization_id == organization_id)
                                     .order_by(L.division, L.last_name, L.first_name, L.id))
        return [EnrollableLearner(r.id, r.ine, r.last_name, r.first_name,
                                  r.birthdate, r.division, r.is_active) for r in rows]


class SqlCertificationAnswerRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, answer: CertificationAnswer) -> None:
        row = CertificationAnswerRow(
            candidate_id=answer.candidate_id, challenge_id=answer.challenge_id,
            competence_code=answer.competence_code, value=answer.value,
            correct=answer.correct, timed_out=answer.timed_out, created_at=answer.created_at)
        try:
            with self._session.begin_nested():
                self._session.add(row)
        except IntegrityError:
            raise SittingNotAllowed("answer_already_given") from None

    def list_for_candidate(self, candidate_id: int) -> list[CertificationAnswer]:
        A = CertificationAnswerRow
        rows = self._session.scalars(select(A).where(A.candidate_id == candidate_id)
                                     .order_by(A.id))
        return [CertificationAnswer(r.candidate_id, r.challenge_id, r.competence_code, r.value,
                                    r.correct, r.timed_out, as_utc(r.created_at))
                for r in rows]


class SqlCertificateRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, certificate: Certificate) -> Certificate:
        row = CertificateRow(
            candidate_id=certificate.candidate_id,
            verification_code=certificate.verification_code, correct=certificate.correct,
            asked=certificate.asked, is_certified=certificate.is_certified,
            competences={code: {"level": m.level, "score": m.score}
                         for code, m in certificate.competences.items()},
            created_at=certificate.created_at)
        try:
            with self._session.begin_nested():
                self._session.add(row)
        except IntegrityError as error:
            raise CodeTaken() from error
        return _certificate(row)

    def code_exists(self, code: str) -> bool:
        return self._session.scalar(select(func.count()).select_from(CertificateRow).where(
            CertificateRow.verification_code == code)) != 0

    def for_candidate(self, candidate_id: int) -> Certificate | None:
        row = self._session.scalars(select(CertificateRow).where(
            CertificateRow.candidate_id == candidate_id)).one_or_none()
        return None if row is None else _certificate(row)

    def published_by_code(self, code: str) -> PublishedCertificate | None:
        found = self._session.execute(
            select(CertificateRow, C.last_name, C.first_name, S.date, OrganizationRow)
            .join(C, C.id == CertificateRow.candidate_id)
            .join(S, S.id == C.session_id)
            .join(OrganizationRow, OrganizationRow.id == S.organization_id)
            .where(CertificateRow.verification_code == code,
                   S.status == SessionStatus.PUBLISHED.value)).one_or_none()
        if found is None:
            return None
        row, last, first, day, organization = found
        return PublishedCertificate(_certificate(row), last, first, day,
                                    organization.name or organization.uai)


def _fill_session(row: CertificationSessionRow, session: CertificationSession) -> None:
    details = session.details
    row.date, row.time, row.room = details.date, details.time, details.room
    row.address, row.examiner = details.address, details.examiner
    row.status, row.comment = session.status.value, session.comment
    row.finalised_at, row.processed_at = session.finalised_at, session.processed_at
    row.published_at = session.published_at


def _session(row: CertificationSessionRow) -> CertificationSession:
    return CertificationSession(
        row.id, row.organization_id,
        SessionDetails(row.date, row.time, row.room, row.address, row.examiner),
        row.access_code, row.supervisor_password, SessionStatus(row.status), row.created_by,
        as_utc(row.created_at), row.comment, maybe_utc(row.finalised_at),
        maybe_utc(row.processed_at), maybe_utc(row.published_at))


def _fill_candidate(row: CertificationCandidateRow, candidate: Candidate) -> None:
    row.last_name, row.first_name = candidate.last_name, candidate.first_name
    row.birthdate, row.division = candidate.birthdate, candidate.division
    row.extra_time_percent, row.user_id = candidate.extra_time_percent, candidate.user_id
    row.status = candidate.status.value
    row.positioned = None if candidate.positioned is None else {
        code: [p.level, p.pix] for code, p in candidate.positioned.items()}
    row.challenges = [[c.challenge_id, c.competence_code, c.skill_id]
                      for c in candidate.challenges]
    row.current_index, row.current_shown_at = candidate.current_index, candidate.current_shown_at
    row.end_reason, row.incident_note = candidate.end_reason, candidate.incident_note


def _candidate(row: CertificationCandidateRow) -> Candidate:
    positioned: dict[str, Any] | None = row.positioned
    return Candidate(
        row.id, row.session_id, row.organization_learner_id, row.last_name, row.first_name,
        row.birthdate, row.division, row.extra_time_percent, row.user_id,
        CandidateStatus(row.status),
        None if positioned is None else {
            code: Positioned(int(level), int(pix)) for code, (level, pix) in positioned.items()},
        tuple(SelectedChallenge(*c) for c in row.challenges), row.current_index,
        maybe_utc(row.current_shown_at), row.end_reason, row.incident_note)


def _certificate(row: CertificateRow) -> Certificate:
    return Certificate(
        row.id, row.candidate_id, row.verification_code, row.correct, row.asked,
        row.is_certified,
        {code: CompetenceMark(int(m["level"]), int(m["score"]))
         for code, m in row.competences.items()},
        as_utc(row.created_at))
