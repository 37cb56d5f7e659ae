"""SQL assessments, answers and knowledge elements (``database.unit_of_work`` holds them)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kernel.sql.base import as_utc
from pix_core.evaluation.adapters.sql.tables import AnswerRow, AssessmentRow, KnowledgeElementRow
from pix_core.evaluation.domain.assessments import (
    Answer,
    Assessment,
    AssessmentKind,
    AssessmentState,
    KnowledgeElement,
    KnowledgeSource,
    KnowledgeStatus,
)
from pix_core.evaluation.domain.errors import AnswerAlreadyGiven

# The profile page's two queries, built once (building one cost about as much as running it)
_ASSESSMENTS_OF_USER = (select(AssessmentRow)
                        .where(AssessmentRow.user_id == bindparam("user_id"))
                        .order_by(AssessmentRow.id))
_KNOWLEDGE_OF_USER = (select(KnowledgeElementRow)
                      .where(KnowledgeElementRow.user_id == bindparam("user_id"))
                      .order_by(KnowledgeElementRow.id))


class SqlAssessmentRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, assessment: Assessment) -> Assessment:
        row = AssessmentRow(user_id=assessment.user_id, created_at=assessment.created_at)
        _fill(row, assessment)
        self._session.add(row)
        self._session.flush()
        return _assessment(row)

    def get(self, assessment_id: int) -> Assessment | None:
        row = self._session.get(AssessmentRow, assessment_id)
        return None if row is None else _assessment(row)

    def update(self, assessment: Assessment) -> None:
        row = self._session.get_one(AssessmentRow, assessment.id)
        _fill(row, assessment)
        self._session.flush()

    def list_for_user(self, user_id: int) -> list[Assessment]:
        rows = self._session.scalars(_ASSESSMENTS_OF_USER, {"user_id": user_id})
        return [_assessment(row) for row in rows]


class SqlAnswerRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, answer: Answer) -> None:
        row = AnswerRow(
            assessment_id=answer.assessment_id,
            challenge_id=answer.challenge_id,
            value=answer.value,
            result="ok" if answer.correct else "ko",
            created_at=answer.created_at,
        )
        try:
            with self._session.begin_nested():
                self._session.add(row)
        except IntegrityError:
            raise AnswerAlreadyGiven() from None

    def list_for_assessment(self, assessment_id: int) -> list[Answer]:
        rows = self._session.scalars(
            select(AnswerRow).where(AnswerRow.assessment_id == assessment_id).order_by(
                AnswerRow.id
            )
        )
        return [
            Answer(r.assessment_id, r.challenge_id, r.value, r.result == "ok",
                   as_utc(r.created_at))
            for r in rows
        ]

    def challenge_ids_for_user(self, user_id: int) -> set[str]:
        return set(
            self._session.scalars(
                select(AnswerRow.challenge_id)
                .join(AssessmentRow, AssessmentRow.id == AnswerRow.assessment_id)
                .where(AssessmentRow.user_id == user_id)
            )
        )


class SqlKnowledgeElementRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add_many(self, elements: Sequence[KnowledgeElement]) -> None:
        self._session.add_all(
            KnowledgeElementRow(
                user_id=e.user_id, assessment_id=e.assessment_id, skill_id=e.skill_id,
                status=e.status.value, source=e.source.value, earned_pix=e.earned_pix,
                created_at=e.created_at,
            )
            for e in elements
        )
        self._session.flush()

    def list_for_user(self, user_id: int) -> list[KnowledgeElement]:
        rows = self._session.scalars(_KNOWLEDGE_OF_USER, {"user_id": user_id})
        return [
            KnowledgeElement(
                r.user_id, r.assessment_id, r.skill_id, KnowledgeStatus(r.status),
                KnowledgeSource(r.source), r.earned_pix, as_utc(r.created_at),
            )
            for r in rows
        ]


def _fill(row: AssessmentRow, assessment: Assessment) -> None:
    row.kind = assessment.kind.value
    row.competence_code = assessment.competence_code
    row.campaign_participation_id = assessment.campaign_participation_id
    row.target_skill_ids = list(assessment.target_skill_ids)
    row.state = assessment.state.value
    row.current_challenge_id = assessment.current_challenge_id
    row.updated_at = assessment.updated_at


def _assessment(row: AssessmentRow) -> Assessment:
    return Assessment(
        id=row.id,
        user_id=row.user_id,
        kind=AssessmentKind(row.kind),
        target_skill_ids=tuple(row.target_skill_ids),
        state=AssessmentState(row.state),
        current_challenge_id=row.current_challenge_id,
        created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at),
        competence_code=row.competence_code,
        campaign_participation_id=row.campaign_participation_id,
    )
