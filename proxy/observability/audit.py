"""The login audit trail: one event per login, released or refused (docs/adr/0007-audit.md).

An event says who received what, never the values: time, relying party, pairwise ``sub``
(never the IDO), UAI, the NAMES of the released claims, the SIECLE match outcome, the
authentication context (class ref, issuer) and, for a refusal, the reason. Its id is the
reference shown on the error page.

Storage is append-only and double: a Redis stream (``XADD ... MAXLEN ~ N``, for live
consumers) and JSON-lines files (``PIXGAR_AUDIT_DIR``), one per day, rotated by size too,
deleted after ``PIXGAR_AUDIT_RETENTION_DAYS``. A release that cannot be audited does not
happen (503): see the ADR.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import secrets
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import redis

from kernel.request_id import current_request_id
from proxy.observability.metrics import AUDIT_FAILURES
from proxy.stores.connection import redis_client

logger = logging.getLogger(__name__)

RELEASED = "released"
REFUSED = "refused"
FILE_PATTERN = re.compile(r"^audit-(\d{4}-\d{2}-\d{2})\.(\d+)\.jsonl$")


class AuditUnavailable(RuntimeError):
    """The event could not be written to both stores."""


def new_event_id() -> str:
    """A random event id, short enough to be read out to support (also the error reference)."""
    return secrets.token_hex(6).upper()


@dataclass(frozen=True)
class AuditSettings:
    """``PIXGAR_AUDIT_*`` settings; ``directory`` defaults to ``<data dir>/audit``."""

    directory: Path | None = None
    retention_days: int = 400
    stream: str = "pixgar:audit"
    stream_maxlen: int = 100_000
    max_file_bytes: int = 64 * 1024 * 1024

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> AuditSettings:
        defaults = cls()
        directory = env.get("PIXGAR_AUDIT_DIR")
        return cls(
            directory=Path(directory) if directory else None,
            retention_days=int(env.get("PIXGAR_AUDIT_RETENTION_DAYS") or defaults.retention_days),
            stream=env.get("PIXGAR_AUDIT_STREAM") or defaults.stream,
            stream_maxlen=int(env.get("PIXGAR_AUDIT_STREAM_MAXLEN") or defaults.stream_maxlen),
            max_file_bytes=int(env.get("PIXGAR_AUDIT_MAX_FILE_BYTES")
                               or defaults.max_file_bytes),
        )

    def to_config(self, data_dir: Path, redis_url: str) -> dict[str, Any]:
        """A JSON-able form for SATOSA's configuration."""
        config = asdict(self)
        config["directory"] = str(self.directory or data_dir / "audit")
        config["redis_url"] = redis_url
        return config


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class AuditFiles:
    """JSON-lines files ``audit-<day>.<n>.jsonl``: a new file each day or past ``max_bytes``."""

    def __init__(self, directory: Path, max_bytes: int, retention_days: int) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self.retention_days = retention_days
        self._lock = threading.Lock()
        self._last_purge: float | None = None  # monotonic time; None: not yet

    def append(self, event: Mapping[str, Any], now: dt.datetime) -> None:
        line = (json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        with self._lock:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o750)
            path = self._current_file(now.date().isoformat(), len(line))
            # O_APPEND: one write() per line, so workers appending to one file never interleave
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            try:
                written = os.write(fd, line)
                if written != len(line):
                    raise OSError("short write to the audit file")
                os.fsync(fd)
            finally:
                os.close(fd)
            self._purge(now)

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


class AuditLog:
    """Writes events to the Redis stream and the files; both or :class:`AuditUnavailable`."""

    def __init__(self, config: Mapping[str, Any], client: redis.Redis | None = None) -> None:
        self.stream = config["stream"]
        self.maxlen = int(config["stream_maxlen"])
        self.files = AuditFiles(Path(config["directory"]), int(config["max_file_bytes"]),
                                int(config["retention_days"]))
        self._redis = client or redis_client(config["redis_url"])  # Sentinel, Cluster too

    def record(self, event: dict[str, Any]) -> str:
        """Complete ``event`` (id, time, request id), store it, return its id."""
        now = _utcnow()
        event = {"id": new_event_id(), "time": now.isoformat(timespec="milliseconds"),
                 "request_id": current_request_id(), **event}
        try:
            self.files.append(event, now)
            self._redis.xadd(self.stream, {"event": json.dumps(event, sort_keys=True)},
                             maxlen=self.maxlen, approximate=True)
        except (OSError, redis.exceptions.RedisError) as error:
            logger.error("audit event %s could not be stored: %s", event["id"],
                         type(error).__name__)
            AUDIT_FAILURES.inc()
            raise AuditUnavailable(event["id"]) from error
        return str(event["id"])

    def try_record(self, event: dict[str, Any]) -> str:
        """For refusals: store if possible, return the id either way (nothing was released)."""
        try:
            return self.record(event)
        except AuditUnavailable as unavailable:
            return str(unavailable)


def login_event(*, outcome: str, client_id: str | None, reason: str | None = None,
                sub: str | None = None, uai: str | None = None,
                claims: list[str] | None = None, siecle_match: str | None = None,
                class_ref: str | None = None, issuer: str | None = None,
                step: str | None = None) -> dict[str, Any]:
    """The fields of a login event; values of claims never go in, only their names."""
    return {
        "kind": "login", "outcome": outcome, "reason": reason, "client_id": client_id,
        "sub": sub, "uai": uai, "claims": sorted(claims or []), "siecle_match": siecle_match,
        "authn_context": {"class_ref": class_ref, "issuer": issuer}, "step": step,
    }


def client_of_state(context: Any) -> str | None:
    """The relying party a login in progress was started by, when the state says it."""
    state = getattr(context, "state", None)
    try:
        request = (state or {}).get("pix", {}).get("oidc_request")
    except AttributeError:
        return None
    if isinstance(request, str):
        match = re.search(r"client_id=([^&]+)", request)
        return unquote(match.group(1)) if match else None
    if isinstance(request, Mapping):
        return request.get("client_id")
    return None
