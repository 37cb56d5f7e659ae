"""Certification sessions, their candidates (and tests), answers and certificates."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kernel.sql.base import Base
from roster.sql import tables as roster_tables  # noqa: F401  (organizations, learners)


class CertificationSessionRow(Base):
    __tablename__ = "certification_sessions"
    __table_args__ = (
        CheckConstraint("status IN ('created', 'finalised', 'processed', 'published')",
                        name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    access_code: Mapped[str] = mapped_column(String(8), unique=True)
    supervisor_password: Mapped[str] = mapped_column(String(8))
    date: Mapped[dt.date] = mapped_column(Date)
    time: Mapped[str] = mapped_column(String(5))
    room: Mapped[str] = mapped_column(String(255))
    address: Mapped[str] = mapped_column(String(255))
    examiner: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finalised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CertificationCandidateRow(Base):
    __tablename__ = "certification_candidates"
    __table_args__ = (
        UniqueConstraint("session_id", "organization_learner_id"),
        CheckConstraint("status IN ('enrolled', 'waiting', 'authorised', 'started', "
                        "'completed', 'ended')", name="status"),
        CheckConstraint("extra_time_percent BETWEEN 0 AND 200", name="extra_time"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("certification_sessions.id", ondelete="CASCADE"))
    organization_learner_id: Mapped[int] = mapped_column(
        ForeignKey("organization_learners.id", ondelete="CASCADE",
                   name="fk_certification_candidates_organization_learner_id"))
    last_name: Mapped[str] = mapped_column(String(255))
    first_name: Mapped[str] = mapped_column(String(255))
    birthdate: Mapped[dt.date] = mapped_column(Date)
    division: Mapped[str | None] = mapped_column(String(255))
    extra_time_percent: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    positioned: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    challenges: Mapped[list[Any]] = mapped_column(JSON)
    current_index: Mapped[int] = mapped_column(Integer)
    current_shown_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    end_reason: Mapped[str | None] = mapped_column(Text)
    incident_note: Mapped[str | None] = mapped_column(Text)


class CertificationAnswerRow(Base):
    __tablename__ = "certification_answers"
    __table_args__ = (UniqueConstraint("candidate_id", "challenge_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("certification_candidates.id", ondelete="CASCADE"))
    challenge_id: Mapped[str] = mapped_column(String(64))
    competence_code: Mapped[str] = mapped_column(String(8))
    value: Mapped[str] = mapped_column(Text)
    correct: Mapped[bool] = mapped_column(Boolean)
    timed_out: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CertificateRow(Base):
    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("certification_candidates.id", ondelete="CASCADE"), unique=True)
    verification_code: Mapped[str] = mapped_column(String(16), unique=True)
    correct: Mapped[int] = mapped_column(Integer)
    asked: Mapped[int] = mapped_column(Integer)
    is_certified: Mapped[bool] = mapped_column(Boolean)
    competences: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
