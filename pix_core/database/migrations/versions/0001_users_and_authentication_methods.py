"""Users, their login methods (GAR, PIX) and server-side sessions.

Revision ID: 0001
Revises:
Create Date: 2024-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_name", sa.String(255), nullable=False),
        sa.Column("last_name", sa.String(255), nullable=False),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("email", name="uq_users_email"),
    )
    op.create_table(
        "authentication_methods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("identity_provider", sa.String(16), nullable=False),
        sa.Column("external_identifier", sa.String(255), nullable=True),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("username", sa.String(255), nullable=True),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("school_context", sa.JSON(), nullable=True),
        sa.Column("last_logged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_authentication_methods"),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name="fk_authentication_methods_user_id_users",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "identity_provider",
            "external_identifier",
            name="uq_authentication_methods_identity_provider",
        ),
        sa.CheckConstraint(
            "identity_provider IN ('GAR', 'PIX')",
            name="ck_authentication_methods_identity_provider",
        ),
        sa.CheckConstraint(
            "identity_provider <> 'GAR' OR external_identifier IS NOT NULL",
            name="ck_authentication_methods_gar_has_external_identifier",
        ),
    )
    op.create_index("ix_authentication_methods_user_id", "authentication_methods", ["user_id"])
    op.create_table(
        "sessions",
        sa.Column("id_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id_hash", name="pk_sessions"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_sessions_user_id_users", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_sessions_expires_at", "sessions", ["expires_at"])
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])


def downgrade() -> None:
    op.drop_table("sessions")
    op.drop_table("authentication_methods")
    op.drop_table("users")
