"""The run fails if it leaves, on a Redis server, keys without expiry that it wrote itself.

Tests share 127.0.0.1:6379 with other runs (other worktrees, the lead's), so "keys without
TTL appeared during the run" proves nothing: another run may have written them. Instead,
every command this process sends to a real Redis server (redis-py's connections, pools
and pipelines alike, whoever built the client: our stores, pyop, SATOSA) is read on its
way out, and the keys written are recorded with their server and database. At the end of
the session each recorded key still there without an expiry is reported, by database and
key prefix (never a value), deleted, and the run fails.

What it cannot see: writes made by another process (a ``pixgar demo`` subprocess): those
tests use a throwaway server or the demo's in-process stand-in instead of a shared one.
"""

from __future__ import annotations

import functools
import re
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pytest
import redis
from redis.connection import AbstractConnection

Server = tuple[str, int]
Where = tuple[Server, int]  # (host, port), database

FIRST_KEY = frozenset({
    "SET", "SETNX", "SETEX", "PSETEX", "GETSET", "GETEX", "APPEND", "SETRANGE", "SETBIT",
    "INCR", "INCRBY", "INCRBYFLOAT", "DECR", "DECRBY", "HSET", "HSETNX", "HMSET", "HINCRBY",
    "HINCRBYFLOAT", "LPUSH", "RPUSH", "LPUSHX", "RPUSHX", "LINSERT", "LSET", "SADD", "ZADD",
    "ZINCRBY", "XADD", "XGROUP", "PFADD", "GEOADD", "PERSIST", "RESTORE", "BITOP",
    "SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE", "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE",
    "ZRANGESTORE", "GEOSEARCHSTORE",
})
DESTINATION_KEY = frozenset({"RENAME", "RENAMENX", "COPY", "LMOVE", "RPOPLPUSH", "SMOVE",
                             "BLMOVE", "BRPOPLPUSH"})
EVERY_OTHER_KEY = frozenset({"MSET", "MSETNX"})
SCRIPTS = frozenset({"EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL"})


def _text(value: Any) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def written_keys(args: Sequence[Any]) -> list[str]:
    """The keys a Redis command (its arguments, name first) writes; [] for other commands."""
    if not args:
        return []
    name = _text(args[0]).upper()
    if name in FIRST_KEY and len(args) > 1:
        return [_text(args[1])]
    if name in DESTINATION_KEY and len(args) > 2:
        return [_text(args[2])]
    if name in EVERY_OTHER_KEY:
        return [_text(key) for key in args[1::2]]
    if name in SCRIPTS and len(args) > 2 and _text(args[2]).isdigit():
        return [_text(key) for key in args[3:3 + int(_text(args[2]))]]
    return []


class WriteRecorder:
    """Keys written by this process, per real Redis server and database."""

    def __init__(self) -> None:
        self.keys: dict[Where, set[str]] = defaultdict(set)
        self._lock = threading.Lock()
        self._originals: dict[str, Callable[..., Any]] = {}

    def record(self, connection: Any, commands: Iterable[Sequence[Any]]) -> None:
        if not type(connection).__module__.startswith("redis."):
            return  # an in-process stand-in (fakeredis): nothing reaches a server
        host, port = getattr(connection, "host", None), getattr(connection, "port", None)
        if host is None or port is None:
            return  # a Unix socket: no test uses one
        where = ((str(host), int(port)), int(getattr(connection, "db", 0) or 0))
        keys = [key for args in commands for key in written_keys(args)]
        if keys:
            with self._lock:
                self.keys[where].update(keys)

    def install(self) -> None:
        """Wrap redis-py's single-command and pipeline paths (every client goes through)."""
        recorder = self
        send_command = AbstractConnection.send_command
        pack_commands = AbstractConnection.pack_commands

        @functools.wraps(send_command)
        def recording_send_command(connection, *args, **kwargs):
            recorder.record(connection, [args])
            return send_command(connection, *args, **kwargs)

        @functools.wraps(pack_commands)
        def recording_pack_commands(connection, commands):
            commands = list(commands)
            recorder.record(connection, commands)
            return pack_commands(connection, commands)

        self._originals = {"send_command": send_command, "pack_commands": pack_commands}
        AbstractConnection.send_command = recording_send_command  # type: ignore[method-assign]
        AbstractConnection.pack_commands = recording_pack_commands  # type: ignore[method-assign]

    def uninstall(self) -> None:
        for name, original in self._originals.items():
            setattr(AbstractConnection, name, original)
        self._originals = {}

    def without_expiry(self) -> dict[Where, list[str]]:
        """The recorded keys that exist now and have no expiry, per server and database."""
        found: dict[Where, list[str]] = {}
        for where, keys in sorted(self.keys.items()):
            (host, port), db = where
            ordered = sorted(keys)
            try:
                with redis.Redis(host=host, port=port, db=db, socket_timeout=5) as client:
                    pipe = client.pipeline(transaction=False)
                    for key in ordered:
                        pipe.ttl(key)
                    ttls = pipe.execute()
            except redis.RedisError:
                continue  # a throwaway server already stopped: its keys went with it
            leaked = [key for key, ttl in zip(ordered, ttls, strict=True) if ttl == -1]
            if leaked:
                found[where] = leaked
        return found

    @staticmethod
    def delete(leaks: dict[Where, list[str]]) -> None:
        for ((host, port), db), keys in leaks.items():
            with redis.Redis(host=host, port=port, db=db, socket_timeout=5) as client:
                client.delete(*keys)


def _shown(key: str) -> str:
    """The key with its last part hidden when it may be an identifier (digits, long)."""
    head, _, last = key.rpartition(":")
    if head and (len(last) > 24 or re.search(r"\d", last)):
        return f"{head}:*"
    return key


def describe(leaks: dict[Where, list[str]]) -> list[str]:
    """One line per database and key pattern (identifiers hidden, never a value)."""
    lines = []
    for ((host, port), db), keys in leaks.items():
        prefixes: dict[str, int] = defaultdict(int)
        for key in keys:
            prefixes[_shown(key)] += 1
        for prefix, count in sorted(prefixes.items()):
            lines.append(f"redis://{host}:{port}/{db}  {prefix}  ({count} key{'s' * (count > 1)})")
    return lines


RECORDER = WriteRecorder()
_REPORT: list[str] = []


def pytest_sessionstart(session: pytest.Session) -> None:
    RECORDER.install()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    RECORDER.uninstall()
    leaks = RECORDER.without_expiry()
    if leaks:
        _REPORT[:] = describe(leaks)
        RECORDER.delete(leaks)  # a failing run leaves nothing behind either
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _REPORT:
        terminalreporter.section("Redis keys left without expiry by this run", red=True)
        terminalreporter.line("Each test deletes what it writes (or writes it with a TTL). "
                              "Deleted now; the run fails:")
        for line in _REPORT:
            terminalreporter.line("  " + line)
