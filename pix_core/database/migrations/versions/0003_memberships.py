"""Pix Orga memberships (user, organisation, ADMIN | MEMBER).

Revision ID: 0003
Revises: 0002
Create Date: 2025-01-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_memberships"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_memberships_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name="fk_memberships_organization_id_organizations",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("user_id", "organization_id", name="uq_memberships_user_id"),
        sa.CheckConstraint("role IN ('ADMIN', 'MEMBER')", name="ck_memberships_role"),
    )
    op.create_index("ix_memberships_organization_id", "memberships", ["organization_id"])


def downgrade() -> None:
    op.drop_table("memberships")
