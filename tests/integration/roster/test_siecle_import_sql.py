"""The SIECLE import against SQLite and PostgreSQL: schema, atomicity, re-imports.

The schema comes from pix_core's migrations, which create the roster's tables with its own.
"""

import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import delete, inspect, select, update

from kernel.sql.base import Base
from kernel.sql.engine import make_engine
from pix_core.accounts.adapters.sql.tables import UserRow
from pix_core.database.migrate import downgrade, upgrade
from roster.domain.errors import SiecleImportError
from roster.reading import read_roster_file
from roster.reading.csv_reader import TEMPLATE_FIELDS
from roster.reading.synthetic import siecle_csv, siecle_xml, synthetic_pupils
from roster.sql.repositories import roster_unit_of_work_factory
from roster.sql.tables import OrganizationLearnerRow
from roster.usecases.import_siecle_roster import import_siecle_roster

UAI = "0351234A"
NOW = datetime(2024, 9, 2, 8, 30, tzinfo=UTC)
MY_TABLES = {"organizations", "organization_learners"}


@pytest.fixture
def engine(database_url):
    upgrade(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def run(engine, data, now=NOW, filename="ElevesSansAdresses.xml", uow=None):
    return import_siecle_roster(
        UAI, io.BytesIO(data), filename, uow=uow or roster_unit_of_work_factory(engine)(),
        read_roster=read_roster_file, clock=lambda: now, create_organization=True)


def rows(engine):
    with engine.connect() as connection:
        found = connection.execute(
            select(OrganizationLearnerRow.__table__).order_by(OrganizationLearnerRow.ine))
        return [dict(row._mapping) for row in found]


def test_migration_matches_the_models_and_downgrades(database_url, engine):
    assert set(inspect(engine).get_table_names()) >= MY_TABLES
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    indexes = {i["name"]: i["column_names"]
               for i in inspect(engine).get_indexes("organization_learners")}
    assert indexes["ix_organization_learners_roster"] == ["organization_id", "is_active",
                                                          "division"]
    downgrade(database_url, "0001")
    assert not MY_TABLES & set(inspect(engine).get_table_names())
    assert "users" in inspect(engine).get_table_names()
    upgrade(database_url)
    assert set(inspect(engine).get_table_names()) >= MY_TABLES


def test_first_import_stores_every_learner(engine):
    pupils = synthetic_pupils(60)
    report = run(engine, siecle_xml(pupils, UAI))

    assert report.created == 60
    assert report.organization_created
    stored = rows(engine)
    assert len(stored) == 60
    assert all(r["is_active"] and r["user_id"] is None for r in stored)
    assert {r["last_name"] for r in stored} >= {p.last_name for p in pupils[:10]}
    uow = roster_unit_of_work_factory(engine)()
    with uow:
        organization = uow.organizations.get_by_uai(UAI)
        assert organization.siecle_imported_at == NOW
        found = uow.learners.get_by_ine(organization.id, pupils[0].ine)
        assert found.first_name == pupils[0].first_name
        assert found.created_at == NOW
        assert uow.learners.get(found.id) == found
        assert len(uow.learners.list_active(organization.id)) == 60


def test_reimporting_the_same_file_changes_no_row(engine):
    data = siecle_xml(synthetic_pupils(40), UAI)
    run(engine, data)
    before = rows(engine)

    report = run(engine, data, now=NOW + timedelta(days=1))

    assert (report.created, report.updated, report.unchanged, report.marked_gone) == (0, 0, 40, 0)
    assert rows(engine) == before


def test_a_refused_file_leaves_the_previous_roster_exactly_as_it_was(engine):
    run(engine, siecle_xml(synthetic_pupils(20), UAI))
    before = rows(engine)
    bad = synthetic_pupils(25)
    bad[3].ine = bad[4].ine
    with pytest.raises(SiecleImportError):
        run(engine, siecle_xml(bad, UAI), now=NOW + timedelta(days=1))
    assert rows(engine) == before


def test_a_failure_while_writing_rolls_everything_back(engine):
    run(engine, siecle_xml(synthetic_pupils(20), UAI))
    before = rows(engine)
    uow = roster_unit_of_work_factory(engine)()

    class Boom(RuntimeError):
        pass

    def explode(ids, when):
        raise Boom()

    uow.learners.mark_gone = explode
    next_year = [replace(p, division="TG1") for p in synthetic_pupils(30)[5:]]
    with pytest.raises(Boom):
        run(engine, siecle_xml(next_year, UAI), now=NOW + timedelta(days=1), uow=uow)
    assert rows(engine) == before


def test_next_year_keeps_accounts_updates_names_and_classes_marks_gone(engine):
    pupils = synthetic_pupils(30)
    run(engine, siecle_xml(pupils, UAI))
    with engine.begin() as connection:
        user_id = connection.execute(UserRow.__table__.insert().values(
            first_name="x", last_name="y", created_at=NOW, updated_at=NOW)).inserted_primary_key[0]
        connection.execute(update(OrganizationLearnerRow)
                           .where(OrganizationLearnerRow.ine == pupils[0].ine)
                           .values(user_id=user_id))
    later = NOW + timedelta(days=365)
    next_year = [replace(pupils[0], division="4B", usage_name="Épouse-Nouvelle"),
                 *pupils[5:], *synthetic_pupils(32, seed=7)[30:]]
    for p in next_year[-2:]:
        p.ine, p.eleve_id = "N" + p.ine[1:], "9" + p.eleve_id

    report = run(engine, siecle_xml(next_year, UAI), now=later)

    assert (report.created, report.updated, report.unchanged, report.marked_gone) == (2, 1, 25, 4)
    by_ine = {r["ine"]: r for r in rows(engine)}
    moved = by_ine[pupils[0].ine]
    assert (moved["user_id"], moved["division"], moved["usage_name"]) == (
        user_id, "4B", "Épouse-Nouvelle")
    assert moved["is_active"]
    assert _utc(moved["updated_at"]) == later
    assert _utc(moved["created_at"]) == NOW
    gone = by_ine[pupils[1].ine]
    assert not gone["is_active"]
    assert _utc(gone["left_at"]) == later
    assert len(by_ine) == 32  # nobody deleted

    back = run(engine, siecle_xml(pupils, UAI), now=later + timedelta(days=1))
    assert back.updated == 5
    assert back.marked_gone == 2
    assert by_ine[pupils[1].ine]["id"] == {r["ine"]: r for r in rows(engine)}[
        pupils[1].ine]["id"]
    assert {r["ine"]: r for r in rows(engine)}[pupils[1].ine]["left_at"] is None


def test_deleting_an_account_unlinks_its_learner(engine):
    pupils = synthetic_pupils(2)
    run(engine, siecle_xml(pupils, UAI))
    with engine.begin() as connection:
        user_id = connection.execute(UserRow.__table__.insert().values(
            first_name="x", last_name="y", created_at=NOW, updated_at=NOW)).inserted_primary_key[0]
        connection.execute(update(OrganizationLearnerRow).values(user_id=user_id))
        connection.execute(delete(UserRow).where(UserRow.id == user_id))
    assert [r["user_id"] for r in rows(engine)] == [None, None]


def test_csv_import(engine):
    report = run(engine, siecle_csv(synthetic_pupils(12)), filename="eleves.csv")
    assert report.created == 12
    assert len(rows(engine)) == 12


def test_csv_of_an_older_template_without_sex_is_stored_without_sex(engine):
    fields = tuple(name for name in TEMPLATE_FIELDS if name != "sex")
    report = run(engine, siecle_csv(synthetic_pupils(3), fields=fields), filename="eleves.csv")
    assert report.created == 3
    assert [r["sex"] for r in rows(engine)] == [None] * 3
    run(engine, siecle_csv(synthetic_pupils(3)), filename="eleves.csv")  # this year's template
    assert {r["sex"] for r in rows(engine)} <= {"M", "F"}


def _utc(value):
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
