"""The shared attempt counters on SQLite and PostgreSQL: atomic under concurrency."""

from concurrent.futures import ThreadPoolExecutor

from kernel.sql.engine import make_engine
from pix_core.database.migrate import upgrade
from pix_core.shared.adapters.sql.rate_limit_counters import SqlAttemptCounter


def test_concurrent_hits_are_all_counted_and_the_previous_window_is_read(database_url):
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        counter = SqlAttemptCounter(engine)
        assert counter.hit("k", 9, 11 * 900) == (1, 0)
        with ThreadPoolExecutor(4) as pool:
            counts = sorted(pool.map(lambda _: counter.hit("k", 10, 12 * 900)[0], range(20)))
        assert counts == list(range(1, 21))  # no lost or doubled increment
        assert counter.hit("k", 10, 12 * 900) == (21, 1)
        assert counter.hit("other", 10, 12 * 900) == (1, 0)
    finally:
        engine.dispose()
