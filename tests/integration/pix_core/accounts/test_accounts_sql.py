"""SQL repositories, session store and Alembic migrations against SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kernel.sql.base import as_utc
from kernel.sql.engine import make_engine
from pix_core.accounts.adapters.sql.repositories import (
    _METHOD_COLUMNS,
    SqlAuthenticationMethodRepository,
    SqlUserRepository,
    _method_columns,
)
from pix_core.accounts.adapters.sql.session_store import PURGE_EVERY, SqlSessionStore
from pix_core.accounts.adapters.sql.tables import AuthenticationMethodRow
from pix_core.accounts.domain.users import (
    AuthenticationMethod,
    GarIdentity,
    IdentityProvider,
    SchoolClass,
    SchoolContext,
    SchoolGroup,
    User,
)
from pix_core.accounts.usecases.login_with_gar import login_with_gar
from pix_core.database.migrate import downgrade, upgrade
from pix_core.database.schema import METADATA
from pix_core.database.unit_of_work import unit_of_work_factory

NOW = datetime(2024, 9, 2, 8, 30, tzinfo=UTC)
SCHOOL = SchoolContext(
    uai=("0561641E",),
    profiles=("National_elv",),
    classes=(SchoolClass("3A", "3EME A"),),
    groups=(SchoolGroup("6A-MATHS", "Groupe Maths", "6A"),),
)


@pytest.fixture
def engine(database_url):
    upgrade(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def test_migrations_create_the_schema_described_by_the_models(engine):
    tables = set(inspect(engine).get_table_names())
    assert {"users", "authentication_methods", "sessions", "alembic_version"} <= tables
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), METADATA)
    assert diff == []


def test_upgrade_is_idempotent_and_downgrade_removes_the_tables(database_url, engine):
    upgrade(database_url)
    downgrade(database_url, "base")
    assert not {"users", "authentication_methods", "sessions"} & set(
        inspect(engine).get_table_names()
    )


def test_users_and_gar_methods_round_trip(engine):
    with Session(engine) as session:
        users = SqlUserRepository(session)
        methods = SqlAuthenticationMethodRepository(session)
        user = users.add(User.new("Flora", "Dupont", NOW))
        method = methods.add(AuthenticationMethod.for_gar(user.id, "sub-1", SCHOOL, NOW))
        session.commit()

    with Session(engine) as session:
        users = SqlUserRepository(session)
        methods = SqlAuthenticationMethodRepository(session)
        assert users.get(user.id) == user
        found = methods.find(IdentityProvider.GAR, "sub-1")
        assert found == method
        assert found.school == SCHOOL
        assert found.created_at == NOW
        assert methods.find(IdentityProvider.PIX, "sub-1") is None
        users.update(user.renamed("Flore", "Martin", NOW + timedelta(days=1)))
        methods.update(found.logged_in(SchoolContext(), NOW + timedelta(days=1)))
        session.commit()

    with Session(engine) as session:
        stored = SqlUserRepository(session).get(user.id)
        assert (stored.first_name, stored.last_name) == ("Flore", "Martin")
        method = SqlAuthenticationMethodRepository(session).find(IdentityProvider.GAR, "sub-1")
        assert method.school == SchoolContext()
        assert method.last_logged_at == NOW + timedelta(days=1)


def test_an_updated_method_reads_back_updated_in_the_same_unit_of_work(engine):
    """The update is a Core statement: the session's own copy of the row must not stay stale."""
    with Session(engine) as session:
        user = SqlUserRepository(session).add(User.new("Flora", "Dupont", NOW))
        methods = SqlAuthenticationMethodRepository(session)
        method = methods.add(AuthenticationMethod.for_gar(user.id, "sub-2", SCHOOL, NOW))
        session.commit()
        held = session.get(AuthenticationMethodRow, method.id)  # the ORM's copy, kept alive
        later = NOW + timedelta(days=2)
        methods.update(methods.list_for_user(user.id)[0].logged_in(SchoolContext(), later))
        [again] = methods.list_for_user(user.id)
        assert again.id == method.id
        assert again.last_logged_at == later
        assert again.school == SchoolContext()
        assert held.last_logged_at is not None
        assert as_utc(held.last_logged_at) == later
    # the prebuilt UPDATE sets every column the mapping stores (a key it lacked would be dropped)
    assert set(_method_columns(again)) == set(_METHOD_COLUMNS)


def test_a_gar_sub_belongs_to_one_account_only(engine):
    with Session(engine) as session:
        users = SqlUserRepository(session)
        methods = SqlAuthenticationMethodRepository(session)
        first = users.add(User.new("A", "A", NOW))
        second = users.add(User.new("B", "B", NOW))
        methods.add(AuthenticationMethod.for_gar(first.id, "same-sub", SCHOOL, NOW))
        with pytest.raises(IntegrityError):
            methods.add(AuthenticationMethod.for_gar(second.id, "same-sub", SCHOOL, NOW))


def test_one_account_may_hold_a_gar_and_a_pix_method(engine):
    with Session(engine) as session:
        user = SqlUserRepository(session).add(User.new("Flora", "Dupont", NOW))
        methods = SqlAuthenticationMethodRepository(session)
        methods.add(AuthenticationMethod.for_gar(user.id, "sub-1", SCHOOL, NOW))
        methods.add(
            AuthenticationMethod(
                None,
                user.id,
                IdentityProvider.PIX,
                None,
                NOW,
                NOW,
                email="flora@example.org",
                password_hash="$argon2id$...",
            )
        )
        session.commit()
        kinds = [m.identity_provider for m in methods.list_for_user(user.id)]
        assert kinds == [IdentityProvider.GAR, IdentityProvider.PIX]


def test_login_with_gar_through_the_unit_of_work_commits(engine):
    identity = GarIdentity("sub-9", "Flora", "Dupont", SCHOOL)
    make_uow = unit_of_work_factory(engine)
    with make_uow() as uow:
        created = login_with_gar(identity, uow.users, uow.methods, lambda: NOW)
        uow.commit()
    with make_uow() as uow:
        again = login_with_gar(identity, uow.users, uow.methods, lambda: NOW)
    assert created.created
    assert not again.created
    assert again.user.id == created.user.id


def test_uncommitted_work_is_rolled_back(engine):
    make_uow = unit_of_work_factory(engine)
    with make_uow() as uow:
        login_with_gar(GarIdentity("sub-x", "A", "B"), uow.users, uow.methods, lambda: NOW)
    with make_uow() as uow:
        assert uow.methods.find(IdentityProvider.GAR, "sub-x") is None


def test_session_store_keeps_data_hashes_ids_and_expires(engine):
    store = SqlSessionStore(engine, timedelta(hours=1))
    session_id = store.create({"csrf": "t", "pending": {"s": {"nonce": "n"}}}, NOW)
    assert store.load(session_id, NOW) == {"csrf": "t", "pending": {"s": {"nonce": "n"}}}
    with engine.connect() as connection:
        stored_ids = [row[0] for row in connection.exec_driver_sql("SELECT id_hash FROM sessions")]
    assert session_id not in stored_ids
    assert len(stored_ids) == 1

    store.save(session_id, {"csrf": "u"})
    assert store.load(session_id, NOW) == {"csrf": "u"}
    assert store.load(session_id, NOW + timedelta(hours=2)) is None
    assert store.load("unknown", NOW) is None

    other = store.create({}, NOW)
    store.delete(other)
    assert store.load(other, NOW) is None


def test_replacing_a_session_removes_the_old_one_in_the_same_step(engine):
    with Session(engine) as session:
        user = SqlUserRepository(session).add(User.new("Flora", "Dupont", NOW))
        session.commit()
    store = SqlSessionStore(engine, timedelta(hours=1))
    visitor = store.create({"csrf": "t", "pending": {"s": {}}}, NOW)
    other = store.create({"csrf": "o"}, NOW)

    logged_in = store.replace(visitor, {"user_id": user.id, "csrf": "n"}, NOW)

    assert store.load(visitor, NOW) is None
    assert store.load(logged_in, NOW) == {"user_id": user.id, "csrf": "n"}
    assert store.load(other, NOW) == {"csrf": "o"}
    assert _stored_sessions(engine) == 2
    assert store.load(store.replace(None, {}, NOW), NOW) == {}


def _stored_sessions(engine) -> int:
    with engine.connect() as connection:
        return int(connection.exec_driver_sql("SELECT count(*) FROM sessions").scalar_one())


def test_expired_sessions_are_purged_at_most_every_few_minutes_not_at_each_login(engine):
    store = SqlSessionStore(engine, timedelta(minutes=1))
    store.create({}, NOW)  # the first creation purges (nothing yet)
    store.create({}, NOW)
    later = NOW + timedelta(minutes=2)  # both expired

    store.create({}, later)  # within PURGE_EVERY of the last purge: no DELETE
    assert _stored_sessions(engine) == 3

    store.create({}, NOW + PURGE_EVERY + timedelta(seconds=1))  # due: the 3 expired go
    assert _stored_sessions(engine) == 1
