"""The database pool's settings: sized to the worker's threads unless told otherwise."""

from __future__ import annotations

import pytest

from kernel.sql.engine import PoolSettings, PoolSettingsError, make_engine


def test_the_pool_is_sized_to_the_gunicorn_threads_by_default():
    assert PoolSettings.from_env({}) == PoolSettings(size=4, max_overflow=0, timeout=5.0)
    assert PoolSettings.from_env({"GUNICORN_THREADS": "8"}).size == 8


def test_every_pool_variable_is_read():
    pool = PoolSettings.from_env({"GUNICORN_THREADS": "8", "DATABASE_POOL_SIZE": "3",
                                  "DATABASE_POOL_MAX_OVERFLOW": "2",
                                  "DATABASE_POOL_TIMEOUT": "0.5"})

    assert pool == PoolSettings(size=3, max_overflow=2, timeout=0.5)


@pytest.mark.parametrize(("name", "value"), [("DATABASE_POOL_SIZE", "0"),
                                             ("DATABASE_POOL_SIZE", "many"),
                                             ("DATABASE_POOL_MAX_OVERFLOW", "-1"),
                                             ("DATABASE_POOL_TIMEOUT", "0")])
def test_a_bad_pool_variable_is_named(name, value):
    with pytest.raises(PoolSettingsError, match=name):
        PoolSettings.from_env({name: value})


def test_a_postgresql_engine_gets_the_bounded_pool():
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none",
                         PoolSettings(size=2, max_overflow=1, timeout=0.25))

    assert (engine.pool.size(), engine.pool._max_overflow, engine.pool._timeout) == (2, 1, 0.25)
    engine.dispose()
