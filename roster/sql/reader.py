"""The proxy's read-only view of a school's roster: only what matching needs.

The roster is stored once, by the SIECLE import (``roster.usecases.import_siecle_roster``,
run by Pix Orga and ``pixgar siecle import``; tables ``organizations`` and
``organization_learners``); the proxy reads the few columns matching uses, straight from
the database, so matching works while pix_core is down.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Collection
from typing import Any

import sqlalchemy as sa

from roster.domain.matching import RosterEntry

CACHED_SCHOOLS = 128
"""Schools whose roster a reader keeps in memory (the most recently used): a class logs in
together, so its school's roster serves each of its pupils in turn."""

organizations = sa.table("organizations", sa.column("id"), sa.column("uai"),
                         sa.column("siecle_imported_at"))
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
_school = sa.select(organizations.c.id, organizations.c.siecle_imported_at).where(
    organizations.c.uai == sa.bindparam("uai"))
_has_roster = (
    sa.select(learners.c.id)
    .join_from(learners, organizations, organizations.c.id == learners.c.organization_id)
    .where(organizations.c.uai == sa.bindparam("uai"))
    .limit(1)
)


class RosterReader:
    """Active learners of a school (by UAI), narrowed to the GAR's classes when given.

    A school's roster is read once and kept (normalised names included, see
    ``RosterEntry``) as long as the school's ``siecle_imported_at`` is unchanged: every
    change to a roster is an import (``roster.usecases.import_siecle_roster``), which sets
    it in the same transaction. Each call still reads that one value, so a new import is
    seen by the next login. At most ``cached_schools`` schools are kept.
    """

    def __init__(self, engine: sa.Engine, cached_schools: int = CACHED_SCHOOLS) -> None:
        self._engine = engine
        self._capacity = cached_schools
        self._cache: OrderedDict[str, tuple[Any, list[RosterEntry]]] = OrderedDict()
        self._lock = threading.Lock()

    def entries(self, uai: str, divisions: Collection[str] = ()) -> list[RosterEntry] | None:
        """The candidate learners, or None when the school has never imported a roster."""
        with self._engine.connect() as connection:
            school = connection.execute(_school, {"uai": uai}).first()
            if school is None:
                return None
            version = (school.id, school.siecle_imported_at)
            learners = self._cached(uai, version)
            if learners is None:
                learners = self._read(connection, uai)
                if learners is None:
                    return None
                if school.siecle_imported_at is not None:
                    self._keep(uai, version, learners)
        wanted = set(divisions)
        return [entry for entry in learners if not wanted or entry.division in wanted]

    @staticmethod
    def _read(connection: sa.Connection, uai: str) -> list[RosterEntry] | None:
        rows = connection.execute(_school_learners, {"uai": uai}).all()
        if not rows and connection.execute(_has_roster, {"uai": uai}).first() is None:
            return None
        return [_entry(row) for row in rows]

    def _cached(self, uai: str, version: Any) -> list[RosterEntry] | None:
        with self._lock:
            found = self._cache.get(uai)
            if found is None or found[0] != version:
                return None
            self._cache.move_to_end(uai)
            return found[1]

    def _keep(self, uai: str, version: Any, learners: list[RosterEntry]) -> None:
        with self._lock:
            self._cache[uai] = (version, learners)
            self._cache.move_to_end(uai)
            while len(self._cache) > self._capacity:
                self._cache.popitem(last=False)


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
