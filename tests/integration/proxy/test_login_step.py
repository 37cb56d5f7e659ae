"""A login step on a real Redis: each key read once, the writes sent together at the end."""

from __future__ import annotations

import pytest
import redis

from proxy.stores.login_step import login_step, read, write
from proxy.stores.oidc_records import SealedRecords, record_key
from proxy.stores.seal import Seal
from tests.support.throwaway_services import ThrowawayRedis


@pytest.fixture
def counted():
    """A client on a Redis of the test's own, and a function giving the commands it ran."""
    server = ThrowawayRedis().start()
    client = redis.Redis.from_url(server.url)

    def commands() -> dict[str, int]:
        stats = client.info("commandstats")
        return {name.removeprefix("cmdstat_"): int(value["calls"])
                for name, value in stats.items() if name != "cmdstat_info"}

    yield client, commands
    client.close()
    server.close()


def test_reads_go_to_redis_once_and_writes_leave_together_at_the_end(counted):
    client, commands = counted
    codes = SealedRecords(client, "authz_codes", 60, Seal("k"))
    codes["code-1"] = {"sub": "s"}
    before = commands()

    with login_step(client):
        assert "code-1" in codes  # pyop's habit: look, then read, then write back
        assert codes["code-1"] == {"sub": "s"}
        codes["code-1"] = {"sub": "s", "used": True}
        write(client, "pixgar:auth-time:{x}", b"1", 60)
        assert codes["code-1"]["used"] is True  # a step reads its own writes
        assert client.get("pixgar:auth-time:{x}") is None  # not sent yet

    after = commands()
    assert after["get"] - before.get("get", 0) == 2  # the code once; this test's own check
    assert after["set"] - before.get("set", 0) == 2
    assert client.get("pixgar:auth-time:{x}") == b"1"
    assert 0 < client.ttl(record_key("authz_codes", "code-1")) <= 60


def test_a_step_that_fails_writes_nothing(counted):
    client, _ = counted

    def failing_step() -> None:
        with login_step(client):
            write(client, "pixgar:auth-time:{y}", b"1", 60)
            raise RuntimeError("the audit could not be written")

    with pytest.raises(RuntimeError):
        failing_step()

    assert client.get("pixgar:auth-time:{y}") is None


def test_outside_a_step_reads_and_writes_go_at_once(counted):
    client, _ = counted

    write(client, "pixgar:auth-time:{z}", b"2", 60)

    assert read(client, "pixgar:auth-time:{z}") == b"2"
