"""roster/sql/reader.py: the proxy's view of a school's roster, kept between logins until the
next import (SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pytest
import sqlalchemy as sa

from kernel.sql.engine import make_engine
from pix_core.database.migrate import upgrade
from roster.reading import read_roster_file
from roster.reading.synthetic import siecle_csv, synthetic_pupils
from roster.sql.reader import RosterReader
from roster.sql.repositories import roster_unit_of_work_factory
from roster.usecases.import_siecle_roster import import_siecle_roster

UAI = "0351234A"
SEPTEMBER = dt.datetime(2024, 9, 2, tzinfo=dt.UTC)


@pytest.fixture
def engine(database_url):
    upgrade(database_url)
    engine = make_engine(database_url)
    engine.statements = []  # type: ignore[attr-defined]
    sa.event.listen(engine, "before_cursor_execute",
                    lambda _c, _cur, statement, *_: engine.statements.append(statement))
    yield engine
    engine.dispose()


def import_roster(engine: sa.Engine, pupils: list, when: dt.datetime) -> None:
    import_siecle_roster(UAI, io.BytesIO(siecle_csv(pupils)), "eleves.csv",
                         uow=roster_unit_of_work_factory(engine)(),
                         read_roster=read_roster_file, clock=lambda: when,
                         create_organization=True)


def learner_queries(engine: sa.Engine) -> int:
    return sum("organization_learners" in statement for statement in engine.statements)


def test_a_school_roster_is_read_once_then_served_from_memory(engine):
    pupils = synthetic_pupils(6)
    import_roster(engine, pupils, SEPTEMBER)
    reader = RosterReader(engine)
    engine.statements.clear()

    first = reader.entries(UAI)
    again = reader.entries(UAI)
    one_class = reader.entries(UAI, [pupils[0].division])

    assert len(first) == len(again) == 6
    assert again[0] is first[0]  # the same entries: their normalised names computed once
    assert {entry.division for entry in one_class} == {pupils[0].division}
    assert learner_queries(engine) == 1  # then only the school's import time, per login


def test_a_new_import_is_seen_by_the_next_read(engine):
    pupils = synthetic_pupils(6)
    import_roster(engine, pupils, SEPTEMBER)
    reader = RosterReader(engine)
    assert len(reader.entries(UAI)) == 6

    renamed = dataclasses.replace(pupils[0], last_name="Nouveau-Nom")
    import_roster(engine, [renamed, *pupils[1:4]], SEPTEMBER + dt.timedelta(days=30))
    entries = reader.entries(UAI)

    assert len(entries) == 4  # two pupils left the school
    assert "Nouveau-Nom" in {name for entry in entries for name in entry.last_names}


def test_a_school_without_roster_has_none_and_the_cache_holds_few_schools(engine):
    import_roster(engine, synthetic_pupils(3), SEPTEMBER)
    reader = RosterReader(engine, cached_schools=1)

    assert reader.entries("0999999Z") is None
    assert len(reader.entries(UAI)) == 3
    assert len(reader._cache) == 1
