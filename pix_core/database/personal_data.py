"""Personal data across every context's tables: the user's download (JSON) and erasure.

Read from the schema (``database/schema.py``): every table with a ``user_id`` column is the
user's, so a context added later (certification) is exported without a change here. What
never leaves: password hashes, GAR identifiers (the proxy's pseudonyms), token hashes,
session contents.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import case, delete, func, insert, select, update
from sqlalchemy.orm import Session

from pix_core.accounts.adapters.sql.tables import (
    AccountAuditRow,
    AccountTokenRow,
    AuthenticationMethodRow,
    SessionRow,
    UserRow,
)
from pix_core.database.schema import METADATA

SECRET_COLUMNS = frozenset({"password_hash", "external_identifier", "token_hash", "data"})
NOT_EXPORTED = frozenset({"sessions", "account_tokens", "users", "authentication_methods"})


def _children(parent: str) -> list[tuple[str, str]]:
    """``(table, column)`` of the tables whose rows belong to a ``parent`` row (a foreign
    key to its id) and carry no ``user_id`` of their own: answers, certificates..."""
    found = []
    for name, table in sorted(METADATA.tables.items()):
        if "user_id" in table.columns or name in NOT_EXPORTED:
            continue
        for key in table.foreign_keys:
            if key.column.table.name == parent and key.column.name == "id":
                found.append((name, key.parent.name))
    return found


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _rows(session: Session, table_name: str, column: str, values: list[Any]
          ) -> list[dict[str, Any]]:
    table = METADATA.tables[table_name]
    if not values:
        return []
    rows = session.execute(select(table).where(table.c[column].in_(values))
                           .order_by(*table.primary_key.columns)).mappings()
    return [{key: _plain(value) for key, value in row.items() if key not in SECRET_COLUMNS}
            for row in rows]


def export_personal_data(session: Session, user_id: int) -> dict[str, Any] | None:
    """Everything stored about the account ``user_id`` (``None`` if there is none)."""
    user = session.get(UserRow, user_id)
    if user is None:
        return None
    data: dict[str, Any] = {
        "identity": {"id": user.id, "first_name": user.first_name, "last_name": user.last_name,
                     "email": user.email, "created_at": _plain(user.created_at)},
        "login_methods": [
            {"type": m["identity_provider"], "email": m["email"], "username": m["username"],
             "school": m["school_context"], "created_at": m["created_at"],
             "last_logged_at": m["last_logged_at"]}
            for m in _rows(session, "authentication_methods", "user_id", [user_id])],
    }
    owned = [name for name in sorted(METADATA.tables)
             if name not in NOT_EXPORTED and "user_id" in METADATA.tables[name].columns]
    for name in owned:
        data[name] = _rows(session, name, "user_id", [user_id])
    for name in owned:
        ids = [row["id"] for row in data[name] if "id" in row]
        for child, column in _children(name):
            data.setdefault(child, []).extend(_rows(session, child, column, ids))
    organizations = {row["organization_id"] for name in ("memberships", "organization_learners")
                     for row in data.get(name, [])}
    data["organizations"] = _rows(session, "organizations", "id", sorted(organizations))
    return data


class SqlPersonalData:
    def __init__(self, session: Session) -> None:
        self._session = session

    def existing(self, user_ids: set[int]) -> set[int]:
        return set(self._session.scalars(select(UserRow.id).where(UserRow.id.in_(user_ids))))

    def gar_subjects(self, user_ids: set[int]) -> set[str]:
        m = AuthenticationMethodRow
        return {str(sub) for sub in self._session.scalars(select(m.external_identifier).where(
            m.user_id.in_(user_ids), m.identity_provider == "GAR",
            m.external_identifier.is_not(None)))}

    def anonymise(self, user_ids: set[int], now: datetime) -> None:
        ids = list(user_ids)
        for row in (AuthenticationMethodRow, SessionRow, AccountTokenRow):
            self._session.execute(delete(row).where(row.user_id.in_(ids)))
        learners = METADATA.tables["organization_learners"]
        self._session.execute(update(learners).where(learners.c.user_id.in_(ids))
                              .values(user_id=None))
        memberships = METADATA.tables["memberships"]
        self._session.execute(delete(memberships).where(memberships.c.user_id.in_(ids)))
        for table in METADATA.tables.values():  # names copied elsewhere (certification)
            if table.name != "users" and {"user_id", "first_name", "last_name"} <= set(
                    table.columns.keys()):
                self._session.execute(update(table).where(table.c.user_id.in_(ids))
                                      .values(first_name="", last_name=""))
        self._session.execute(update(UserRow).where(UserRow.id.in_(ids)).values(
            first_name="", last_name="", email=None, anonymised_at=now, updated_at=now))
        self._session.flush()

    def gar_only_unused_since(self, cutoff: datetime) -> set[int]:
        m = AuthenticationMethodRow
        last_use = func.max(func.coalesce(m.last_logged_at, m.created_at))
        passwords = func.sum(case((m.identity_provider == "PIX", 1), else_=0))
        query = (select(m.user_id).join(UserRow, UserRow.id == m.user_id)
                 .where(UserRow.anonymised_at.is_(None))
                 .group_by(m.user_id)
                 .having(last_use < cutoff, passwords == 0))
        return set(self._session.scalars(query))

    def audit(self, action: str, accounts: int, now: datetime, **detail: object) -> None:
        self._session.execute(insert(AccountAuditRow).values(
            at=now, action=action, accounts=accounts, detail=dict(detail)))
