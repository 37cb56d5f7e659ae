"""The audit's JSON-lines files, written by group commit (docs/adr/0023-audit-group-commit.md).

``audit-<day>.<n>.jsonl`` in ``PIXGAR_AUDIT_DIR``: a new file each day or past
``max_bytes``, deleted after ``retention_days``. An event is durable when ``append``
returns: its line was written and ``fsync``-ed. The request threads of a process do not
each open, write, ``fsync`` and close the file: they hand their line to the process's one
writer thread and wait. The writer takes every line waiting, writes them in one
``write()`` (``O_APPEND``: the workers appending to one file never interleave), ``fsync``-s
once, and wakes their threads. While it syncs, the next lines gather: under load one
``fsync`` covers many logins, and alone a login waits for its own ``fsync`` only.

The wait is bounded (``max_wait``): past it, or when the write or the ``fsync`` fails,
``append`` raises ``OSError`` and the login releases nothing (proxy/observability/audit.py).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import threading
import time
import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

FILE_PATTERN = re.compile(r"^audit-(\d{4}-\d{2}-\d{2})\.(\d+)\.jsonl$")
DEFAULT_MAX_WAIT = 5.0  # seconds an event waits for its fsync before its login is refused


class AuditWriteTimeout(OSError):
    """The event's line was not durable within the bounded wait."""


@dataclass
class _Line:
    """One event's line, and what became of it (set by the writer thread)."""

    data: bytes
    now: dt.datetime  # the event's time: its file's day, the retention's reference
    done: threading.Event = field(default_factory=threading.Event)
    error: OSError | None = None
    abandoned: bool = False  # its waiter gave up: not written if not taken yet


class AuditFiles:
    """Appends events durably; one writer thread per process (started at the first event)."""

    def __init__(self, directory: Path, max_bytes: int, retention_days: int,
                 max_wait: float = DEFAULT_MAX_WAIT) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self.retention_days = retention_days
        self.max_wait = max_wait
        self.batches = 0  # fsyncs done by this process (tests, benchmarks)
        self._queue: list[_Line] = []
        self._wake = threading.Condition()
        self._writer: threading.Thread | None = None
        self._file: _OpenFile | None = None  # the writer thread's alone
        self._last_purge: float | None = None  # monotonic time; None: not yet
        _INSTANCES.add(self)

    def append(self, event: Mapping[str, Any], now: dt.datetime) -> None:
        """Return once ``event`` is written and synced; ``OSError`` if it is not."""
        line = _Line((json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n")
                     .encode("utf-8"), now)
        with self._wake:
            self._queue.append(line)
            self._start_writer()
            self._wake.notify()
        if not line.done.wait(self.max_wait):
            with self._wake:
                line.abandoned = not line.done.is_set()
            if line.abandoned:
                raise AuditWriteTimeout(f"audit line not synced within {self.max_wait:g} s")
        if line.error is not None:
            raise line.error

    def _start_writer(self) -> None:
        if self._writer is None or not self._writer.is_alive():
            self._writer = threading.Thread(target=self._write_forever, name="audit-writer",
                                            daemon=True)
            self._writer.start()

    def _forget_parent_writer(self) -> None:
        """A forked child (a gunicorn worker) starts its own thread and opens its own file."""
        self._queue, self._wake = [], threading.Condition()
        self._writer, self._file = None, None

    def _write_forever(self) -> None:
        while True:
            with self._wake:
                while not self._queue:
                    self._wake.wait()
                batch = [line for line in self._queue if not line.abandoned]
                self._queue = []
            if batch:
                self._commit(batch)

    def _commit(self, batch: list[_Line]) -> None:
        error: OSError | None = None
        try:
            for day, lines in _by_day(batch):
                self._write(day, b"".join(line.data for line in lines))
            self.batches += 1
            self._purge(batch[-1].now)
        except OSError as failure:
            error = failure
            self._close()  # the next batch opens the file again
        for line in batch:
            line.error = error
            line.done.set()

    def _write(self, day: str, data: bytes) -> None:
        file = self._file
        if file is None or file.day != day or file.size() + len(data) > self.max_bytes:
            self._close()
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o750)
            file = self._file = _OpenFile.open(self._current_file(day, len(data)), day)
        file.write_and_sync(data)

    def _close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def _current_file(self, day: str, incoming: int) -> Path:
        numbers = [int(m.group(2)) for m in map(FILE_PATTERN.match, os.listdir(self.directory))
                   if m and m.group(1) == day]
        number = max(numbers, default=0)
        path = self.directory / f"audit-{day}.{number}.jsonl"
        if path.exists() and path.stat().st_size + incoming > self.max_bytes:
            path = self.directory / f"audit-{day}.{number + 1}.jsonl"
        return path

    def _purge(self, now: dt.datetime) -> None:
        """Delete the files older than the retention, at most once an hour per process."""
        if self._last_purge is not None and time.monotonic() - self._last_purge < 3600:
            return  # monotonic time may start near 0 on a fresh host: never compare with 0
        self._last_purge = time.monotonic()
        oldest = (now - dt.timedelta(days=self.retention_days)).date().isoformat()
        for name in os.listdir(self.directory):
            match = FILE_PATTERN.match(name)
            if match and match.group(1) < oldest:
                try:
                    (self.directory / name).unlink()
                    logger.info("audit file %s deleted (retention %d days)", name,
                                self.retention_days)
                except OSError:
                    logger.warning("audit file %s past retention could not be deleted", name)


@dataclass
class _OpenFile:
    path: Path
    day: str
    fd: int

    @classmethod
    def open(cls, path: Path, day: str) -> _OpenFile:
        return cls(path, day, os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640))

    def size(self) -> int:
        """The file's size now: other workers append to it too."""
        return os.fstat(self.fd).st_size

    def write_and_sync(self, data: bytes) -> None:
        written = os.write(self.fd, data)  # one write: never interleaved with another worker's
        if written != len(data):
            raise OSError("short write to the audit file")
        os.fsync(self.fd)

    def close(self) -> None:
        try:
            os.close(self.fd)
        except OSError:
            logger.warning("audit file %s could not be closed", self.path.name)


_INSTANCES: weakref.WeakSet[AuditFiles] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for files in list(_INSTANCES):
        files._forget_parent_writer()


os.register_at_fork(after_in_child=_after_fork_in_child)


def _by_day(batch: list[_Line]) -> Iterator[tuple[str, list[_Line]]]:
    """The batch's lines in order, grouped by day (a batch across midnight: two files)."""
    days: dict[str, list[_Line]] = {}
    for line in batch:
        days.setdefault(line.now.date().isoformat(), []).append(line)
    return iter(days.items())


def read_events(directory: Path, since: dt.datetime | None = None) -> Iterator[dict[str, Any]]:
    """Every event of the files in ``directory``, oldest file first (for the report)."""
    if not directory.is_dir():
        return
    names = sorted((m.group(1), int(m.group(2)), name) for name in os.listdir(directory)
                   if (m := FILE_PATTERN.match(name)))
    for day, _, name in names:
        if since is not None and day < since.date().isoformat():
            continue
        with open(directory / name, encoding="utf-8") as lines:
            for line in lines:
                if not line.strip():
                    continue
                event = json.loads(line)
                if since is None or dt.datetime.fromisoformat(event["time"]) >= since:
                    yield event
