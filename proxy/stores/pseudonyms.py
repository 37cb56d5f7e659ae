"""The durable record of pseudonymous subjects: keyed lookups in, random subjects out.

A subject is a random value minted at a user's first login. It is found again through
*lookup keys*: HMACs of the GAR identifier (or of the INE the roster gave for sure) under
a versioned secret. Nothing stored reveals an IDO or an INE, and the subject is not derived
from either, so even the secrets do not lead from a subject back to a person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

metadata = sa.MetaData()


def _lookup_table(name: str) -> sa.Table:
    return sa.Table(
        name,
        metadata,
        sa.Column("lookup_key", sa.String(64), primary_key=True),
        sa.Column("key_version", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(64), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


identifier_subjects = _lookup_table("proxy_identifier_subjects")
"""GAR identifier (IDO) lookups → subject."""

roster_subjects = _lookup_table("proxy_roster_subjects")
"""INE lookups (recorded only for a sure roster match) → subject."""


Found = tuple[str, str]
"""``(subject, version)``: a recorded subject and the secret version of its lookup key."""


def _recorded(table: sa.Table, keys: str) -> sa.Select[tuple[str, str, str]]:
    """The rows of ``table`` whose lookup key is one of the ``keys`` parameter's."""
    return sa.select(sa.literal(table.name).label("table_name"), table.c.subject,
                     table.c.key_version).where(
        table.c.lookup_key.in_(sa.bindparam(keys, expanding=True)))


_IN_BOTH = sa.union_all(_recorded(identifier_subjects, "identifier_keys"),
                        _recorded(roster_subjects, "ine_keys"))


def find_in_both(engine: sa.Engine, by_identifier: Mapping[str, str],
                 by_ine: Mapping[str, str]) -> tuple[Found | None, Found | None]:
    """The IDO's and the INE's recorded subjects, in one round trip (a login's usual case:
    a returning pupil is found in both tables at once)."""
    rows: dict[str, dict[str, str]] = {identifier_subjects.name: {}, roster_subjects.name: {}}
    with engine.connect() as connection:
        for row in connection.execute(_IN_BOTH, {"identifier_keys": list(by_identifier.values()),
                                                 "ine_keys": list(by_ine.values())}):
            rows[row.table_name][row.key_version] = row.subject
    return (_newest(by_identifier, rows[identifier_subjects.name]),
            _newest(by_ine, rows[roster_subjects.name]) if by_ine else None)


def _newest(lookups: Mapping[str, str], found: Mapping[str, str]) -> Found | None:
    for version in lookups:  # newest first
        if version in found:
            return found[version], version
    return None


class SubjectRecords:
    """Record and re-key lookups in one of the two tables (finding them: ``find_in_both``)."""

    def __init__(self, engine: sa.Engine, table: sa.Table) -> None:
        self._engine = engine
        self._table = table

    def record(self, version: str, lookup_key: str, subject: str) -> str:
        """Record ``lookup_key → subject``; if another worker won the race, return its subject."""
        row = {"lookup_key": lookup_key, "key_version": version, "subject": subject,
               "created_at": dt.datetime.now(dt.UTC)}
        try:
            with self._engine.begin() as connection:
                connection.execute(sa.insert(self._table).values(**row))
            return subject
        except IntegrityError:
            with self._engine.connect() as connection:
                return str(connection.execute(
                    sa.select(self._table.c.subject).where(
                        self._table.c.lookup_key == lookup_key)).scalar_one())

    def rekey(self, old_key: str, version: str, new_key: str, subject: str) -> None:
        """Move a lookup to the current secret version (after a rotation), atomically."""
        table = self._table
        with self._engine.begin() as connection:
            connection.execute(sa.delete(table).where(table.c.lookup_key == old_key))
            exists = connection.execute(
                sa.select(table.c.lookup_key).where(table.c.lookup_key == new_key)).first()
            if exists is None:
                connection.execute(sa.insert(table).values(
                    lookup_key=new_key, key_version=version, subject=subject,
                    created_at=dt.datetime.now(dt.UTC)))


def recorded_subjects(engine: sa.Engine) -> set[str]:
    """Every subject with a lookup in either table (to find one by its pairwise ``sub``)."""
    with engine.connect() as connection:
        return {str(subject) for table in (identifier_subjects, roster_subjects)
                for subject in connection.execute(sa.select(table.c.subject).distinct())
                .scalars()}


def delete_subject_records(engine: sa.Engine, subjects: set[str]) -> int:
    """Forget these subjects (a user's right to erasure): every lookup of theirs, in both
    tables, in one transaction. The subject's next GAR login mints a new one. Returns the
    number of lookups deleted."""
    if not subjects:
        return 0
    deleted = 0
    with engine.begin() as connection:
        for table in (identifier_subjects, roster_subjects):
            result = connection.execute(sa.delete(table).where(table.c.subject.in_(subjects)))
            deleted += int(result.rowcount or 0)
    return deleted
