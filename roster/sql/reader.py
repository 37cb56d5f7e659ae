"""The proxy's read-only view of a school's roster: only what matching needs.

The roster is stored once, by the SIECLE import (``roster.usecases.import_siecle_roster``,
run by Pix Orga and ``pixgar siecle import``; tables ``organizations`` and
``organization_learners``); the proxy reads the few columns matching uses, straight from
the database, so matching works while pix_core is down.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import sqlalchemy as sa

from roster.domain.matching import RosterEntry

organizations = sa.table("organizations", sa.column("id"), sa.column("uai"))
learners = sa.table(
    "organization_learners",
    *(sa.column(name) for name in ("id", "organization_id", "ine", "first_name", "second_name",
                                   "third_name", "last_name", "usage_name", "birthdate",
                                   "division", "is_active")),
)
_school_learners = (
    sa.select(learners.c.id, learners.c.ine, learners.c.first_name, learners.c.second_name,
              learners.c.third_name, learners.c.last_name, learners.c.usage_name,
              learners.c.birthdate, learners.c.division)
    .join_from(learners, organizations, organizations.c.id == learners.c.organization_id)
    .where(organizations.c.uai == sa.bindparam("uai"), learners.c.is_active == sa.true())
)
_has_roster = (
    sa.select(learners.c.id)
    .join_from(learners, organizations, organizations.c.id == learners.c.organization_id)
    .where(organizations.c.uai == sa.bindparam("uai"))
    .limit(1)
)


class RosterReader:
    """Active learners of a school (by UAI), narrowed to the GAR's classes when given."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    def entries(self, uai: str, divisions: Collection[str] = ()) -> list[RosterEntry] | None:
        """The candidate learners, or None when the school has never imported a roster."""
        query = _school_learners
        if divisions:
            query = query.where(learners.c.division.in_(list(divisions)))
        with self._engine.connect() as connection:
            rows = connection.execute(query, {"uai": uai}).all()
            if not rows and connection.execute(_has_roster, {"uai": uai}).first() is None:
                return None
        return [_entry(row) for row in rows]


def _entry(row: sa.Row) -> RosterEntry:
    birthdate = row.birthdate
    if isinstance(birthdate, str):  # untyped columns: SQLite hands dates back as text
        birthdate = dt.date.fromisoformat(birthdate)
    return RosterEntry(
        learner_id=row.id,
        ine=row.ine,
        first_names=tuple(n or "" for n in (row.first_name, row.second_name, row.third_name)),
        last_names=tuple(n or "" for n in (row.last_name, row.usage_name)),
        birthdate=birthdate,
        division=row.division,
    )
