"""Personal data (issue 15): anonymised accounts, and the audit of anonymise and purge.

Revision ID: accounts_personal_data
Revises: accounts_email_logins
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "accounts_personal_data"
down_revision = "accounts_email_logins"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as table:
        table.add_column(sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "account_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("accounts", sa.Integer(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_account_audit"),
    )


def downgrade() -> None:
    op.drop_table("account_audit")
    with op.batch_alter_table("users") as table:
        table.drop_column("anonymised_at")
