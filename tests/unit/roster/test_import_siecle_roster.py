"""The import use case and the roster rules, with in-memory storage."""

import io
import logging
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from roster.domain.errors import ErrorCode, SiecleImportError
from roster.domain.learners import Learner, LearnerData
from roster.domain.matching import MatchStatus, find_learner
from roster.domain.roster import plan_roster
from roster.reading import read_roster_file
from roster.reading.synthetic import SyntheticPupil, siecle_xml, synthetic_pupils
from roster.usecases.import_siecle_roster import import_siecle_roster

UAI = "0351234A"
NOW = datetime(2024, 9, 2, 8, 30, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


class MemoryOrganizations:
    def __init__(self) -> None:
        self.rows = {}

    def get_by_uai(self, uai, *, for_update=False):
        return self.rows.get(uai)

    def add(self, organization):
        self.rows[organization.uai] = replace(organization, id=len(self.rows) + 1)
        return self.rows[organization.uai]

    def mark_imported(self, organization_id, when):
        for uai, row in self.rows.items():
            if row.id == organization_id:
                self.rows[uai] = replace(row, siecle_imported_at=when)


class MemoryLearners:
    def __init__(self) -> None:
        self.rows: dict[int, Learner] = {}

    def list_all(self, organization_id):
        return [r for r in self.rows.values() if r.organization_id == organization_id]

    def upsert_batch(self, learners):
        for learner in learners:
            key = learner.id or len(self.rows) + 1
            self.rows[key] = replace(learner, id=key)

    def mark_gone(self, ids, when):
        for i in ids:
            self.rows[i] = self.rows[i].gone(when)


class MemoryUow:
    def __init__(self, organizations, learners) -> None:
        self.organizations, self.learners, self.committed = organizations, learners, 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def commit(self):
        self.committed += 1


@pytest.fixture
def store():
    return MemoryUow(MemoryOrganizations(), MemoryLearners())


def run(store, data, clock=None, filename="ElevesSansAdresses.xml", create=True, uai=UAI):
    return import_siecle_roster(uai, io.BytesIO(data), filename, uow=store,
                                read_roster=read_roster_file, clock=clock or Clock(),
                                create_organization=create)


def test_first_import_creates_the_organisation_and_its_learners(store):
    report = run(store, siecle_xml(synthetic_pupils(30), UAI))

    assert (report.created, report.updated, report.unchanged, report.marked_gone) == (30, 0, 0, 0)
    assert report.organization_created
    assert store.committed == 1
    assert store.organizations.rows[UAI].siecle_imported_at == NOW


def test_an_unknown_organisation_is_refused_unless_asked_to_create_it(store):
    with pytest.raises(SiecleImportError) as caught:
        run(store, siecle_xml(synthetic_pupils(3), UAI), create=False)
    assert caught.value.codes == ["organization_not_found"]
    assert not store.learners.rows


def test_an_invalid_uai_is_refused(store):
    with pytest.raises(SiecleImportError) as caught:
        run(store, siecle_xml(synthetic_pupils(3), UAI), uai="12AB")
    assert caught.value.errors[0].code is ErrorCode.INVALID_UAI


def test_reimport_changes_nothing_and_next_year_updates_marks_gone_and_brings_back(store):
    pupils = synthetic_pupils(10)
    run(store, siecle_xml(pupils, UAI))
    store.learners.rows[1] = replace(store.learners.rows[1], user_id=42)
    before = dict(store.learners.rows)

    again = run(store, siecle_xml(pupils, UAI))
    assert (again.created, again.updated, again.unchanged, again.marked_gone) == (0, 0, 10, 0)
    assert store.learners.rows == before

    clock = Clock()
    clock.now = NOW + timedelta(days=365)
    next_year = [replace(pupils[0], division="4B", last_name="NOUVEAU-NOM"), *pupils[2:],
                 SyntheticPupil("999", "999999999ZZ", "MARTIN", "Noël", "01/01/2012", "1",
                                "6A")]
    report = run(store, siecle_xml(next_year, UAI), clock)
    assert (report.created, report.updated, report.unchanged, report.marked_gone) == (1, 1, 8, 1)
    first, second = store.learners.rows[1], store.learners.rows[2]
    assert (first.user_id, first.division, first.last_name) == (42, "4B", "NOUVEAU-NOM")
    assert first.updated_at == clock.now
    assert first.created_at == NOW
    assert (second.is_active, second.left_at) == (False, clock.now)

    report = run(store, siecle_xml(pupils, UAI), clock)
    assert store.learners.rows[2].is_active
    assert store.learners.rows[2].left_at is None
    assert report.marked_gone == 1  # the newcomer of the year before


def test_a_refused_file_writes_nothing(store, caplog):
    run(store, siecle_xml(synthetic_pupils(5), UAI))
    before = dict(store.learners.rows)
    bad = synthetic_pupils(6)
    bad[5].birthdate = "32/13/2011"
    with caplog.at_level(logging.INFO), pytest.raises(SiecleImportError):
        run(store, siecle_xml(bad, UAI))
    assert store.learners.rows == before
    assert store.committed == 1
    assert "birthdate_invalid" in caplog.text
    assert "32/13/2011" not in caplog.text


def test_logs_carry_counts_and_codes_only(store, caplog):
    pupils = synthetic_pupils(5)
    with caplog.at_level(logging.DEBUG):
        run(store, siecle_xml(pupils, UAI))
    assert "created=5" in caplog.text
    for p in pupils:
        assert p.ine not in caplog.text
        assert p.last_name not in caplog.text


def test_learners_give_roster_entries_for_matching():
    data = LearnerData(ine="1", last_name="BENOÎT", usage_name="Dupont", first_name="Chloé",
                       second_name=None, third_name="Ève", birthdate=date(2011, 3, 14),
                       sex="F", birth_city_code=None, birth_city=None,
                       birth_department_code=None, birth_country_code=None, mef_code=None,
                       status=None, division="3A")
    learner = replace(Learner.new(1, data, NOW), id=7)
    entries = [learner.roster_entry()]
    assert find_learner(entries, "Eve", "dupont").entry.learner_id == 7
    assert find_learner(entries, "Chloe", "Benoit", division="3B").status is MatchStatus.NONE
    assert "Chlo" not in repr(learner)
    assert "BENO" not in repr(data)


def test_plan_never_touches_user_ids_nor_inactive_learners_absent_again():
    data = LearnerData(ine="1", last_name="A", usage_name=None, first_name="B",
                       second_name=None, third_name=None, birthdate=date(2011, 1, 1), sex="M",
                       birth_city_code=None, birth_city=None, birth_department_code=None,
                       birth_country_code=None, mef_code=None, status=None, division="3A")
    active = replace(Learner.new(1, data, NOW), id=1, user_id=5)
    inactive = replace(Learner.new(1, replace(data, ine="2"), NOW), id=2, is_active=False)
    plan = plan_roster(1, [active, inactive], [], NOW)
    assert [g.id for g in plan.gone] == [1]
    assert plan.gone[0].user_id == 5
