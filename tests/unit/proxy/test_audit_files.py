"""Audit JSON-lines files: one per day, rotated by size, deleted after the retention."""

from __future__ import annotations

import datetime as dt
import json

from proxy.observability.audit import AuditFiles, read_events


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
