"""Pseudonymous subjects and their lookup keys.

Revision ID: proxy_0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "proxy_0001"
down_revision = None
branch_labels = None
depends_on = None

TABLES = ("proxy_identifier_subjects", "proxy_roster_subjects")


def upgrade() -> None:
    for name in TABLES:
        op.create_table(
            name,
            sa.Column("lookup_key", sa.String(64), primary_key=True),
            sa.Column("key_version", sa.String(32), nullable=False),
            sa.Column("subject", sa.String(64), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        )
        op.create_index(f"ix_{name}_subject", name, ["subject"])


def downgrade() -> None:
    for name in TABLES:
        op.drop_index(f"ix_{name}_subject", table_name=name)
        op.drop_table(name)
