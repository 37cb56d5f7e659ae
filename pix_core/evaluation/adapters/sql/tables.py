"""Assessments, their answers and the knowledge elements they produce."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kernel.sql.base import Base


class AssessmentRow(Base):
    """``campaign_participation_id`` is a plain column, no foreign key: campaigns sit above
    evaluation, which knows nothing of them (``campaign_participations.assessment_id``
    points back the same way)."""

    __tablename__ = "assessments"
    __table_args__ = (
        CheckConstraint("kind IN ('competence', 'campaign')", name="kind"),
        CheckConstraint("state IN ('started', 'completed')", name="state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    competence_code: Mapped[str | None] = mapped_column(String(8))
    campaign_participation_id: Mapped[int | None] = mapped_column(Integer, index=True)
    target_skill_ids: Mapped[list[Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16))
    current_challenge_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AnswerRow(Base):
    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("assessment_id", "challenge_id"),
        CheckConstraint("result IN ('ok', 'ko')", name="result"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE")
    )
    challenge_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(Text)
    result: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class KnowledgeElementRow(Base):
    __tablename__ = "knowledge_elements"
    __table_args__ = (
        CheckConstraint("status IN ('validated', 'invalidated')", name="status"),
        CheckConstraint("source IN ('direct', 'inferred')", name="source"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    skill_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    earned_pix: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
