"""Whether an account holds anything of its own, in any context's table.

Every table with a ``user_id`` column counts (assessments, participations, memberships,
roster ties, and the tables a new context adds), except the account's own plumbing:
login methods, sessions and mailed links. Read from the schema, so nothing is forgotten.
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from pix_core.database.schema import METADATA

PLUMBING = frozenset({"authentication_methods", "sessions", "account_tokens", "users"})


def user_tables() -> list[str]:
    return sorted(name for name, table in METADATA.tables.items()
                  if "user_id" in table.columns and name not in PLUMBING)


class SqlAccountActivity:
    def __init__(self, session: Session) -> None:
        self._session = session

    def has_activity(self, user_id: int) -> bool:
        for name in user_tables():
            table = METADATA.tables[name]
            if self._session.scalar(select(exists().where(table.c.user_id == user_id))):
                return True
        return False
