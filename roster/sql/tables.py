"""Organisations (schools, by UAI) and their SIECLE roster, on the shared ``Base.metadata``
(``kernel.sql.base``): pix_core's migrations create these tables with its own.

``organization_learners`` columns are read by name by ``roster.sql.reader`` (the proxy's
matching) and ``user_id`` is written by pix_core's account linking: rename nothing without
telling them. The roster knows no accounts, so the foreign key of ``user_id`` to ``users``
is declared by pix_core, where its accounts meet the roster
(``pix_core/orga/adapters/sql/tables.py``); the schema, made by pix_core's migrations,
has it either way.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from kernel.sql.base import Base


class OrganizationRow(Base):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uai: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    siecle_imported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OrganizationLearnerRow(Base):
    __tablename__ = "organization_learners"
    __table_args__ = (
        UniqueConstraint("organization_id", "ine"),
        CheckConstraint("sex IN ('M', 'F')", name="sex"),
        Index("ix_organization_learners_roster", "organization_id", "is_active", "division"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id"))
    ine: Mapped[str] = mapped_column(String(32))
    last_name: Mapped[str] = mapped_column(String(255))
    usage_name: Mapped[str | None] = mapped_column(String(255))
    first_name: Mapped[str] = mapped_column(String(255))
    second_name: Mapped[str | None] = mapped_column(String(255))
    third_name: Mapped[str | None] = mapped_column(String(255))
    birthdate: Mapped[date] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(1))  # older CSV templates: unknown
    birth_city_code: Mapped[str | None] = mapped_column(String(255))
    birth_city: Mapped[str | None] = mapped_column(String(255))
    birth_department_code: Mapped[str | None] = mapped_column(String(255))
    birth_country_code: Mapped[str | None] = mapped_column(String(255))
    mef_code: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str | None] = mapped_column(String(255))
    division: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    left_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)  # FK: pix_core declares it
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
