"""Audit JSON-lines files: one per day, rotated by size, deleted after the retention."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time

import pytest

from proxy.observability.audit_files import AuditFiles, AuditWriteTimeout, read_events


def at(day: int) -> dt.datetime:
    return dt.datetime(2026, 3, day, 12, 0, tzinfo=dt.UTC)


def test_daily_and_size_rotation_and_reading_back(tmp_path):
    files = AuditFiles(tmp_path, max_bytes=120, retention_days=400)
    for n in range(4):
        files.append({"id": str(n), "time": at(1).isoformat()}, at(1))
    files.append({"id": "next-day", "time": at(2).isoformat()}, at(2))

    names = sorted(p.name for p in tmp_path.iterdir())
    assert names[0].startswith("audit-2026-03-01.0")
    assert len(names) >= 3
    assert "audit-2026-03-02.0.jsonl" in names
    assert all(p.stat().st_size <= 120 for p in tmp_path.iterdir())
    assert [e["id"] for e in read_events(tmp_path)] == ["0", "1", "2", "3", "next-day"]
    assert [e["id"] for e in read_events(tmp_path, at(2))] == ["next-day"]
    for path in tmp_path.iterdir():
        for line in path.read_text().splitlines():
            json.loads(line)


def test_files_past_the_retention_are_deleted(tmp_path):
    (tmp_path / "audit-2025-01-01.0.jsonl").write_text("{}\n")
    (tmp_path / "unrelated.txt").write_text("kept")
    AuditFiles(tmp_path, max_bytes=10_000, retention_days=30).append({"id": "x"}, at(1))

    assert sorted(p.name for p in tmp_path.iterdir()) == ["audit-2026-03-01.0.jsonl",
                                                          "unrelated.txt"]


def test_lines_arriving_during_an_fsync_share_the_next_one(tmp_path, monkeypatch):
    """Group commit: 40 threads, each waiting for its own line to be durable, far fewer fsyncs."""
    real_fsync = os.fsync

    def slow_fsync(fd: int) -> None:
        time.sleep(0.02)  # a disk that takes its time: lines gather meanwhile
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", slow_fsync)
    files = AuditFiles(tmp_path, max_bytes=1_000_000, retention_days=400)
    start = threading.Barrier(40)

    def log_in(n: int) -> None:
        start.wait()
        files.append({"id": str(n), "time": at(1).isoformat()}, at(1))

    threads = [threading.Thread(target=log_in, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(e["id"] for e in read_events(tmp_path)) == sorted(str(n) for n in range(40))
    assert 1 <= files.batches <= 10


def test_a_failed_fsync_fails_every_waiting_append_then_the_next_one_works(tmp_path, monkeypatch):
    files = AuditFiles(tmp_path, max_bytes=1_000_000, retention_days=400)
    real_fsync = os.fsync

    def broken(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OSError, match="Input/output"):
        files.append({"id": "lost"}, at(1))

    monkeypatch.setattr(os, "fsync", real_fsync)
    files.append({"id": "kept", "time": at(1).isoformat()}, at(1))
    assert "kept" in [e["id"] for e in read_events(tmp_path)]


def test_an_append_waits_a_bounded_time_and_its_line_is_dropped_if_not_taken(tmp_path,
                                                                             monkeypatch):
    files = AuditFiles(tmp_path, max_bytes=1_000_000, retention_days=400, max_wait=0.2)
    release = threading.Event()
    real_fsync = os.fsync

    def stuck(fd: int) -> None:
        release.wait(5)  # a disk that hangs
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", stuck)
    outcomes: list[str] = []

    def first_login() -> None:
        try:
            files.append({"id": "first", "time": at(1).isoformat()}, at(1))
        except AuditWriteTimeout:
            outcomes.append("refused")  # taken, being synced: written later, login refused

    first = threading.Thread(target=first_login)
    first.start()
    time.sleep(0.05)  # the writer is stuck in the first line's fsync
    with pytest.raises(AuditWriteTimeout):
        files.append({"id": "late", "time": at(1).isoformat()}, at(1))
    release.set()
    first.join()

    files.append({"id": "after", "time": at(1).isoformat()}, at(1))
    ids = [e["id"] for e in read_events(tmp_path)]
    assert outcomes == ["refused"]
    assert ids == ["first", "after"]  # "late" was never taken: no event says it was released


def test_a_forked_worker_writes_with_its_own_thread(tmp_path):
    files = AuditFiles(tmp_path, max_bytes=1_000_000, retention_days=400)
    files.append({"id": "master", "time": at(1).isoformat()}, at(1))  # its writer runs

    pid = os.fork()
    if pid == 0:  # the child: the parent's writer thread does not exist here
        try:
            files.append({"id": "worker", "time": at(1).isoformat()}, at(1))
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)

    assert os.waitstatus_to_exitcode(status) == 0
    assert sorted(e["id"] for e in read_events(tmp_path)) == ["master", "worker"]
