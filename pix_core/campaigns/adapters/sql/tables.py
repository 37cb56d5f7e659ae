"""Campaigns and their participations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kernel.sql.base import Base
from roster.sql import tables as roster_tables  # noqa: F401  (organizations table)


class CampaignRow(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    target_skill_ids: Mapped[list[Any]] = mapped_column(JSON)
    target_description: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CampaignParticipationRow(Base):
    __tablename__ = "campaign_participations"
    __table_args__ = (
        UniqueConstraint("campaign_id", "user_id"),
        CheckConstraint("status IN ('STARTED', 'TO_SHARE', 'SHARED')", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    organization_learner_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization_learners.id", ondelete="SET NULL",
                   name="fk_campaign_participations_organization_learner_id"))
    status: Mapped[str] = mapped_column(String(16))
    assessment_id: Mapped[int | None] = mapped_column(Integer)
    shared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    pix_score: Mapped[int | None] = mapped_column(Integer)
    validated_skill_count: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
