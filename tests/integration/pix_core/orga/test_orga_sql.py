"""Memberships, learner ties and stored SIECLE claims on SQLite and PostgreSQL."""

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kernel.sql.engine import make_engine
from pix_core.accounts.domain.users import (
    AuthenticationMethod,
    IdentityProvider,
    SchoolContext,
    SiecleClaims,
    User,
)
from pix_core.database.migrate import downgrade, upgrade
from pix_core.database.schema import METADATA
from pix_core.database.unit_of_work import unit_of_work_factory
from pix_core.orga.domain.memberships import Membership, Role
from roster.domain.learners import Learner, LearnerData, Organization
from roster.sql.repositories import roster_unit_of_work_factory
from roster.sql.tables import OrganizationLearnerRow

NOW = datetime(2024, 9, 2, 8, 30, tzinfo=UTC)
UAI = "0561641E"


@pytest.fixture
def engine(database_url):
    upgrade(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def uow_factory(engine):
    return unit_of_work_factory(engine)


def seed(engine):
    """An imported school with one learner and two users; returns their ids."""
    uow_factory = unit_of_work_factory(engine)
    with roster_unit_of_work_factory(engine)() as uow:
        org = uow.organizations.add(Organization.new(UAI, NOW, name="Collège Test"))
        uow.organizations.mark_imported(org.id, NOW)
        data = LearnerData(
            ine="123456789AB", last_name="TESTELEVE", usage_name=None, first_name="Flora",
            second_name=None, third_name=None, birthdate=date(2010, 3, 14), sex="F",
            birth_city_code="75056", birth_city="PARIS", birth_department_code="075",
            birth_country_code="100", mef_code=None, status=None, division="3A")
        uow.learners.upsert_batch([Learner.new(org.id, data, NOW)])
        uow.commit()
    with uow_factory() as uow:
        first = uow.users.add(User.new("A", "One", NOW))
        second = uow.users.add(User.new("B", "Two", NOW))
        uow.commit()
    with uow_factory() as uow:
        [entry] = uow.learners.active_entries(org.id)
    return org.id, entry.learner_id, first.id, second.id


def test_the_schema_matches_the_models_and_downgrades(database_url, engine):
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), METADATA)
    assert diff == []
    downgrade(database_url, "0002")
    with engine.connect() as connection:
        assert "memberships" not in connection.dialect.get_table_names(connection)
    upgrade(database_url)


def test_memberships_are_unique_per_user_and_organisation(uow_factory, engine):
    org_id, _, user_id, _ = seed(engine)
    with uow_factory() as uow:
        added = uow.memberships.add(Membership(None, user_id, org_id, Role.MEMBER, NOW))
        uow.memberships.update(added.promoted())
        uow.commit()
    with uow_factory() as uow:
        [(membership, organization)] = uow.memberships.list_for_user(user_id)
        assert (membership.role, organization.uai) == (Role.ADMIN, UAI)
        assert uow.memberships.find(user_id, org_id) == membership
        with pytest.raises(IntegrityError):
            uow.memberships.add(Membership(None, user_id, org_id, Role.MEMBER, NOW))


def test_a_tie_is_conditional_and_a_second_tie_is_refused(uow_factory, engine):
    org_id, learner_id, first, second = seed(engine)
    one, two = uow_factory(), uow_factory()  # two concurrent requests
    with one, two:
        assert one.learners.get(learner_id).user_id is None
        assert two.learners.get(learner_id).user_id is None
        assert one.learners.tie(learner_id, first, NOW)
        one.commit()
        assert not two.learners.tie(learner_id, second, NOW)
        two.commit()
    with uow_factory() as uow:
        assert uow.learners.get(learner_id).user_id == first
        assert uow.learners.find_for_user(org_id, first).learner_id == learner_id
        assert uow.learners.find_for_user(org_id, second) is None
        assert uow.learners.find_by_ine(org_id, "123456789AB").user_id == first
        [line] = uow.learners.roster_lines(org_id)
        assert (line.last_name, line.is_tied, line.is_active) == ("TESTELEVE", True, True)
    with engine.connect() as connection:
        user_ids = connection.scalars(select(OrganizationLearnerRow.user_id)).all()
    assert user_ids == [first]


def test_pix_methods_are_found_by_email_and_siecle_claims_are_kept(uow_factory, engine):
    _, _, user_id, _ = seed(engine)
    claims = SiecleClaims("matched", uai=UAI, ine="123456789AB", birthdate=date(2010, 3, 14),
                          class_code="3A")
    with uow_factory() as uow:
        user = uow.users.get(user_id)
        uow.users.update(replace(user, email="jeanne@exemple.fr"))
        uow.methods.add(AuthenticationMethod.for_pix(user_id, "Jeanne@Exemple.fr", "h", NOW))
        uow.methods.add(AuthenticationMethod.for_gar(
            user_id, "sub-1", SchoolContext(uai=(UAI,), siecle=claims), NOW))
        uow.commit()
    with uow_factory() as uow:
        assert uow.users.find_by_email("JEANNE@exemple.fr").id == user_id
        assert uow.methods.find_pix_by_email(" jeanne@exemple.fr").user_id == user_id
        gar = uow.methods.find(IdentityProvider.GAR, "sub-1")
        assert gar.school.siecle == claims
        assert uow.methods.find_pix_by_email("nobody@exemple.fr") is None
