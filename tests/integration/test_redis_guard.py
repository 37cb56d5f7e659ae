"""The Redis guard of every run (tests/support/redis_guard.py) sees what it must, on real Redis.

It must attribute keys to this process only (other runs share the server), through every
path redis-py sends commands by (single commands, pipelines, transactions, scripts), and
tell a key without expiry from one with a TTL or one deleted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis

from tests.support.redis_guard import WriteRecorder, describe, written_keys

REDIS_URL = os.environ.get("PIXGAR_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


@pytest.mark.parametrize(("command", "keys"), [
    (("SET", "a", "1"), ["a"]),
    ((b"set", b"a", b"1", b"EX", b"5"), ["a"]),
    (("XADD", "s", "*", "f", "v"), ["s"]),
    (("MSET", "a", "1", "b", "2"), ["a", "b"]),
    (("RENAME", "a", "b"), ["b"]),
    (("EVAL", "return 1", "2", "a", "b", "x"), ["a", "b"]),
    (("PERSIST", "a"), ["a"]),
    (("GET", "a"), []),
    (("DEL", "a"), []),
    (("EXPIRE", "a", "5"), []),
    ((), []),
])
def test_the_keys_a_command_writes(command, keys):
    assert written_keys(command) == keys


def test_the_report_hides_what_may_identify_someone():
    where = (("127.0.0.1", 6379), 12)
    keys = ["authz_codes:41f43299423b5887383bcb6c38627b1bc104e9d783fe8ade8f76e9c6d93a31d6",
            "authz_codes:44b279a43b3e9d00b4027d7c1e109e27c262c5df2ab267228d8eef25a1c5c6e0",
            "pixgar:audit"]
    assert describe({where: keys}) == [
        "redis://127.0.0.1:6379/12  authz_codes:*  (2 keys)",
        "redis://127.0.0.1:6379/12  pixgar:audit  (1 key)"]


@pytest.fixture
def recorder():
    watching = WriteRecorder()
    watching.install()
    yield watching
    watching.uninstall()


def test_keys_written_without_expiry_are_found_and_only_those(recorder):
    prefix = f"pixgar:test:guard:{uuid.uuid4().hex}"
    client = redis.Redis.from_url(REDIS_URL)
    names = {kind: f"{prefix}:{kind}" for kind in
             ("plain", "with-ttl", "pipelined", "in-transaction", "deleted", "scripted")}
    try:
        client.set(names["plain"], b"1")
        client.set(names["with-ttl"], b"1", ex=60)
        with client.pipeline(transaction=False) as pipe:
            pipe.set(names["pipelined"], b"1").get(names["plain"])
            pipe.execute()
        with client.pipeline(transaction=True) as pipe:
            pipe.xadd(names["in-transaction"], {"f": "v"})
            pipe.execute()
        client.set(names["deleted"], b"1")
        client.delete(names["deleted"])
        client.eval("redis.call('SET', KEYS[1], '1')", 1, names["scripted"])
        recorder.uninstall()
        client.set(f"{prefix}:unwatched", b"1")  # as another run would

        found = recorder.without_expiry()

        [(where, leaked)] = [(w, [k for k in keys if k.startswith(prefix)])
                             for w, keys in found.items() if any(k.startswith(prefix)
                                                                 for k in keys)]
        assert sorted(leaked) == sorted(names[k] for k in ("plain", "pipelined",
                                                           "in-transaction", "scripted"))
        assert where[1] == client.connection_pool.connection_kwargs.get("db", 0)
        server = f"redis://{where[0][0]}:{where[0][1]}/{where[1]}"
        assert describe({where: leaked}) == sorted(f"{server}  {key}  (1 key)" for key in leaked)
        WriteRecorder.delete({where: leaked})
        assert not client.exists(*leaked)
    finally:
        client.delete(*names.values(), f"{prefix}:unwatched")
        client.close()


INNER_CONFTEST = "from tests.support.redis_guard import (  # noqa: F401\n" \
                 "    pytest_sessionfinish, pytest_sessionstart, pytest_terminal_summary)\n"
INNER_TEST = """
import redis

def test_writes():
    client = redis.Redis.from_url({url!r})
    client.set({key!r}, b"pupil's name", {ttl})
"""


@pytest.mark.parametrize(("ttl", "fails"), [("", True), ("ex=60", False)],
                         ids=["without-expiry", "with-expiry"])
def test_a_run_that_leaves_a_key_without_expiry_fails_and_leaves_nothing(tmp_path, ttl, fails):
    key = f"pixgar:test:guard:{uuid.uuid4().hex}:run"
    (tmp_path / "conftest.py").write_text(INNER_CONFTEST)
    (tmp_path / "test_inner.py").write_text(INNER_TEST.format(url=REDIS_URL, key=key, ttl=ttl))
    repo = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(repo)}
    client = redis.Redis.from_url(REDIS_URL)
    try:
        run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                              "--rootdir", str(tmp_path), str(tmp_path)],
                             cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)

        assert (run.returncode != 0) == fails, run.stdout[-2000:]
        assert ("Redis keys left without expiry by this run" in run.stdout) == fails
        assert "pupil's name" not in run.stdout
        if fails:
            assert not client.exists(key)  # reported, then deleted by the guard
        else:
            assert client.ttl(key) > 0
    finally:
        client.delete(key)
        client.close()
