"""The login audit trail: one event per login, released or refused (docs/adr/0007-audit.md).

An event says who received what, never the values: time, relying party, pairwise ``sub``
(never the IDO), UAI, the NAMES of the released claims, the SIECLE match outcome, the
authentication context (class ref, issuer) and, for a refusal, the reason. Its id is the
reference shown on the error page.

Storage is append-only and double: a Redis stream (``XADD ... MAXLEN ~ N``, for live
consumers) and JSON-lines files (``PIXGAR_AUDIT_DIR``, ``audit_files.py``: one per day,
rotated by size too, deleted after ``PIXGAR_AUDIT_RETENTION_DAYS``, synced by group
commit, docs/adr/0023-audit-group-commit.md). A release that cannot be audited does not
happen (503): see docs/adr/0007-audit.md.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import redis

from kernel.request_id import current_request_id
from proxy.observability.audit_files import DEFAULT_MAX_WAIT, AuditFiles
from proxy.observability.metrics import AUDIT_FAILURES
from proxy.stores.connection import redis_client

logger = logging.getLogger(__name__)

RELEASED = "released"
REFUSED = "refused"


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
    max_wait_seconds: float = DEFAULT_MAX_WAIT

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
            max_wait_seconds=float(env.get("PIXGAR_AUDIT_MAX_WAIT_SECONDS")
                                   or defaults.max_wait_seconds),
        )

    def to_config(self, data_dir: Path, redis_url: str) -> dict[str, Any]:
        """A JSON-able form for SATOSA's configuration."""
        config = asdict(self)
        config["directory"] = str(self.directory or data_dir / "audit")
        config["redis_url"] = redis_url
        return config


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class AuditLog:
    """Writes events to the Redis stream and the files; both or :class:`AuditUnavailable`."""

    def __init__(self, config: Mapping[str, Any], client: redis.Redis | None = None) -> None:
        self.stream = config["stream"]
        self.maxlen = int(config["stream_maxlen"])
        self.files = AuditFiles(Path(config["directory"]), int(config["max_file_bytes"]),
                                int(config["retention_days"]),
                                float(config.get("max_wait_seconds", DEFAULT_MAX_WAIT)))
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
