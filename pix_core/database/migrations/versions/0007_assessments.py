"""Assessments, answers and knowledge elements (competence evaluations, campaigns).

Revision ID: 0007
Revises: 0006
Create Date: 2025-01-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("competence_code", sa.String(8), nullable=True),
        sa.Column("campaign_participation_id", sa.Integer(), nullable=True),
        sa.Column("target_skill_ids", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("current_challenge_id", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_assessments"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_assessments_user_id_users",
                                ondelete="CASCADE"),
        sa.CheckConstraint("kind IN ('competence', 'campaign')", name="ck_assessments_kind"),
        sa.CheckConstraint("state IN ('started', 'completed')", name="ck_assessments_state"),
    )
    op.create_index("ix_assessments_user_id", "assessments", ["user_id"])
    op.create_index("ix_assessments_campaign_participation_id", "assessments",
                    ["campaign_participation_id"])
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("result", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_answers"),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"],
                                name="fk_answers_assessment_id_assessments", ondelete="CASCADE"),
        sa.UniqueConstraint("assessment_id", "challenge_id", name="uq_answers_assessment_id"),
        sa.CheckConstraint("result IN ('ok', 'ko')", name="ck_answers_result"),
    )
    op.create_table(
        "knowledge_elements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("earned_pix", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_knowledge_elements"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name="fk_knowledge_elements_user_id_users", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"],
                                name="fk_knowledge_elements_assessment_id_assessments",
                                ondelete="CASCADE"),
        sa.CheckConstraint("status IN ('validated', 'invalidated')",
                           name="ck_knowledge_elements_status"),
        sa.CheckConstraint("source IN ('direct', 'inferred')",
                           name="ck_knowledge_elements_source"),
    )
    op.create_index("ix_knowledge_elements_user_id", "knowledge_elements", ["user_id"])
    op.create_index("ix_knowledge_elements_assessment_id", "knowledge_elements",
                    ["assessment_id"])


def downgrade() -> None:
    op.drop_table("knowledge_elements")
    op.drop_table("answers")
    op.drop_table("assessments")
