"""Pix Orga campaigns, campaign participations and organisation invitations.

Revision ID: 0006
Revises: 0004
Create Date: 2025-01-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("target_skill_ids", sa.JSON(), nullable=False),
        sa.Column("target_description", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_campaigns"),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"],
                                name="fk_campaigns_organization_id_organizations",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"],
                                name="fk_campaigns_created_by_users", ondelete="SET NULL"),
        sa.UniqueConstraint("code", name="uq_campaigns_code"),
    )
    op.create_index("ix_campaigns_organization_id", "campaigns", ["organization_id"])
    op.create_table(
        "campaign_participations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organization_learner_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=True),
        sa.Column("shared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pix_score", sa.Integer(), nullable=True),
        sa.Column("validated_skill_count", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_campaign_participations"),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"],
                                name="fk_campaign_participations_campaign_id_campaigns",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name="fk_campaign_participations_user_id_users",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["organization_learner_id"], ["organization_learners.id"],
            name="fk_campaign_participations_organization_learner_id",  # <= 63: PostgreSQL
            ondelete="SET NULL"),
        sa.UniqueConstraint("campaign_id", "user_id",
                            name="uq_campaign_participations_campaign_id"),
        sa.CheckConstraint("status IN ('STARTED', 'TO_SHARE', 'SHARED')",
                           name="ck_campaign_participations_status"),
    )
    op.create_index("ix_campaign_participations_user_id", "campaign_participations",
                    ["user_id"])
    op.create_table(
        "organization_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_by", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_organization_invitations"),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organizations.id"],
            name="fk_organization_invitations_organization_id_organizations",
            ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"],
                                name="fk_organization_invitations_created_by_users",
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["accepted_by"], ["users.id"],
                                name="fk_organization_invitations_accepted_by_users",
                                ondelete="SET NULL"),
        sa.UniqueConstraint("token_hash", name="uq_organization_invitations_token_hash"),
    )
    op.create_index("ix_organization_invitations_organization_id",
                    "organization_invitations", ["organization_id"])


def downgrade() -> None:
    op.drop_table("organization_invitations")
    op.drop_table("campaign_participations")
    op.drop_table("campaigns")
