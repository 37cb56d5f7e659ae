"""Organisations (schools, by UAI) and their SIECLE roster (organization_learners).

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organizations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uai", sa.String(16), nullable=False),
        sa.Column("name", sa.String(255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("siecle_imported_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_organizations"),
        sa.UniqueConstraint("uai", name="uq_organizations_uai"),
    )
    op.create_table(
        "organization_learners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("ine", sa.String(32), nullable=False),
        sa.Column("last_name", sa.String(255), nullable=False),
        sa.Column("usage_name", sa.String(255), nullable=True),
        sa.Column("first_name", sa.String(255), nullable=False),
        sa.Column("second_name", sa.String(255), nullable=True),
        sa.Column("third_name", sa.String(255), nullable=True),
        sa.Column("birthdate", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(1), nullable=False),
        sa.Column("birth_city_code", sa.String(255), nullable=True),
        sa.Column("birth_city", sa.String(255), nullable=True),
        sa.Column("birth_department_code", sa.String(255), nullable=True),
        sa.Column("birth_country_code", sa.String(255), nullable=True),
        sa.Column("mef_code", sa.String(255), nullable=True),
        sa.Column("status", sa.String(255), nullable=True),
        sa.Column("division", sa.String(255), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_organization_learners"),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organizations.id"],
            name="fk_organization_learners_organization_id_organizations",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_organization_learners_user_id_users",
            ondelete="SET NULL",
        ),
        sa.UniqueConstraint("organization_id", "ine",
                            name="uq_organization_learners_organization_id"),
        sa.CheckConstraint("sex IN ('M', 'F')", name="ck_organization_learners_sex"),
    )
    op.create_index("ix_organization_learners_roster", "organization_learners",
                    ["organization_id", "is_active", "division"])
    op.create_index("ix_organization_learners_user_id", "organization_learners", ["user_id"])


def downgrade() -> None:
    op.drop_table("organization_learners")
    op.drop_table("organizations")
