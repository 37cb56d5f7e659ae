"""Certification: sessions, candidates and their tests, answers, certificates (issue 14).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certification_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("access_code", sa.String(8), nullable=False),
        sa.Column("supervisor_password", sa.String(8), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("time", sa.String(5), nullable=False),
        sa.Column("room", sa.String(255), nullable=False),
        sa.Column("address", sa.String(255), nullable=False),
        sa.Column("examiner", sa.String(255), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finalised_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_certification_sessions"),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"],
                                name="fk_certification_sessions_organization_id_organizations",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"],
                                name="fk_certification_sessions_created_by_users",
                                ondelete="SET NULL"),
        sa.UniqueConstraint("access_code", name="uq_certification_sessions_access_code"),
        sa.CheckConstraint("status IN ('created', 'finalised', 'processed', 'published')",
                           name="ck_certification_sessions_status"),
    )
    op.create_index("ix_certification_sessions_organization_id", "certification_sessions",
                    ["organization_id"])
    op.create_table(
        "certification_candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("organization_learner_id", sa.Integer(), nullable=False),
        sa.Column("last_name", sa.String(255), nullable=False),
        sa.Column("first_name", sa.String(255), nullable=False),
        sa.Column("birthdate", sa.Date(), nullable=False),
        sa.Column("division", sa.String(255), nullable=True),
        sa.Column("extra_time_percent", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("positioned", sa.JSON(), nullable=True),
        sa.Column("challenges", sa.JSON(), nullable=False),
        sa.Column("current_index", sa.Integer(), nullable=False),
        sa.Column("current_shown_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.Column("incident_note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_certification_candidates"),
        sa.ForeignKeyConstraint(
            ["session_id"], ["certification_sessions.id"],
            name="fk_certification_candidates_session_id_certification_sessions",
            ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["organization_learner_id"], ["organization_learners.id"],
            name="fk_certification_candidates_organization_learner_id",
            ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name="fk_certification_candidates_user_id_users",
                                ondelete="SET NULL"),
        sa.UniqueConstraint("session_id", "organization_learner_id",
                            name="uq_certification_candidates_session_id"),
        sa.CheckConstraint("status IN ('enrolled', 'waiting', 'authorised', 'started', "
                           "'completed', 'ended')", name="ck_certification_candidates_status"),
        sa.CheckConstraint("extra_time_percent BETWEEN 0 AND 200",
                           name="ck_certification_candidates_extra_time"),
    )
    op.create_index("ix_certification_candidates_user_id", "certification_candidates",
                    ["user_id"])
    op.create_table(
        "certification_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.String(64), nullable=False),
        sa.Column("competence_code", sa.String(8), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("timed_out", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_certification_answers"),
        sa.ForeignKeyConstraint(
            ["candidate_id"], ["certification_candidates.id"],
            name="fk_certification_answers_candidate_id_certification_candidates",
            ondelete="CASCADE"),
        sa.UniqueConstraint("candidate_id", "challenge_id",
                            name="uq_certification_answers_candidate_id"),
    )
    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("verification_code", sa.String(16), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.Column("asked", sa.Integer(), nullable=False),
        sa.Column("is_certified", sa.Boolean(), nullable=False),
        sa.Column("competences", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_certificates"),
        sa.ForeignKeyConstraint(
            ["candidate_id"], ["certification_candidates.id"],
            name="fk_certificates_candidate_id_certification_candidates", ondelete="CASCADE"),
        sa.UniqueConstraint("candidate_id", name="uq_certificates_candidate_id"),
        sa.UniqueConstraint("verification_code", name="uq_certificates_verification_code"),
    )


def downgrade() -> None:
    op.drop_table("certificates")
    op.drop_table("certification_answers")
    op.drop_table("certification_candidates")
    op.drop_table("certification_sessions")
