"""A learner's sex may be unknown: older Pix Orga CSV templates have no sex column.

Revision ID: 0008
Revises: 0007
Create Date: 2025-02-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organization_learners") as table:
        table.alter_column("sex", existing_type=sa.String(1), nullable=True)


def downgrade() -> None:  # refused by the database while a learner has no sex
    with op.batch_alter_table("organization_learners") as table:
        table.alter_column("sex", existing_type=sa.String(1), nullable=False)
