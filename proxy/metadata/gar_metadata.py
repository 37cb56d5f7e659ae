"""The GAR's IdP metadata: shared through Redis, swapped into every worker.

- :func:`refresh_metadata` (``pixgar metadata refresh``, or the in-proxy periodic refresh):
  fetch, verify (``verification.py``), publish in Redis (document + digest + validUntil),
  keep a last good copy on disk (atomic replace). A failure changes nothing.
- :class:`MetadataWatcher` (one per worker, in the GAR service provider): at most every
  ``GAR_METADATA_CHECK_SECONDS`` one Redis GET of the digest; on a new digest it verifies
  the document again and swaps pysaml2's metadata store; expired metadata refuses logins.

See docs/adr/0005-metadata-refresh.md.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis
from cryptography import x509

from proxy.errors import ServiceUnavailable
from proxy.metadata.verification import (
    AcceptedMetadata,
    MetadataRefused,
    fetch,
    iso_instant,
    load_pins,
    unverified_metadata,
    utcnow,
    verify_metadata,
)

logger = logging.getLogger(__name__)

LAST_GOOD_NAME = "gar-idp-current.xml"


def last_good_path(data_dir: Path, configured: Path | None = None) -> Path:
    """``GAR_METADATA_LAST_GOOD_FILE``, else ``<data dir>/metadata/gar-idp-current.xml``."""
    return configured or data_dir / "metadata" / LAST_GOOD_NAME


def write_atomically(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.part")
    partial.write_bytes(content)
    os.replace(partial, path)  # a reader never sees half a file
    return path


def companion_key(key: str, suffix: str) -> str:
    """``{key}:suffix``: in the same Redis Cluster slot as ``key`` itself."""
    return f"{{{key}}}:{suffix}"


class SharedMetadata:
    """The accepted document in Redis: ``<key>`` (JSON) and ``<key>:digest`` (the cheap GET)."""

    def __init__(self, client: redis.Redis, key: str) -> None:
        self.client = client
        self.key = key
        # ``{key}:digest`` lives in ``key``'s cluster slot (a key without braces is placed
        # by its whole name): the publishing transaction stays in one slot
        self.digest_key = companion_key(key, "digest")
        self.lock_key = companion_key(key, "refresh-lock")

    def publish(self, accepted: AcceptedMetadata) -> None:
        document = json.dumps({"xml": base64.b64encode(accepted.xml).decode("ascii"),
                               "digest": accepted.digest,
                               "valid_until": iso_instant(accepted.valid_until),
                               "published_at": iso_instant(utcnow())})
        with self.client.pipeline(transaction=True) as pipe:
            pipe.set(self.key, document)
            pipe.set(self.digest_key, accepted.digest)
            pipe.execute()

    def digest(self) -> str | None:
        value = self.client.get(self.digest_key)
        if isinstance(value, bytes):
            return value.decode("ascii")
        return value or None

    def load(self) -> bytes | None:
        value = self.client.get(self.key)
        if not value:
            return None
        return base64.b64decode(json.loads(value)["xml"])

    def take_refresh_lock(self, seconds: int) -> bool:
        return bool(self.client.set(self.lock_key, str(os.getpid()), nx=True,
                                    ex=max(1, seconds)))


@dataclass(frozen=True)
class RefreshOutcome:
    accepted: AcceptedMetadata
    changed: bool
    warnings: list[str]
    last_good_file: Path

    def as_json(self) -> dict[str, Any]:
        return {"status": "accepted", "changed": self.changed, **self.accepted.describe(),
                "warnings": self.warnings, "last_good_file": str(self.last_good_file)}


def refresh_metadata(shared: SharedMetadata, source: str, pins: list[x509.Certificate],
                     last_good: Path, warn_days: int,
                     now: dt.datetime | None = None) -> RefreshOutcome:
    """Fetch, verify, publish in Redis, then replace the last good copy on disk."""
    now = now or utcnow()
    accepted = verify_metadata(fetch(source), pins, now)
    try:
        changed = shared.digest() != accepted.digest
        shared.publish(accepted)
    except redis.RedisError as error:
        raise MetadataRefused("redis_unavailable", type(error).__name__) from None
    path = write_atomically(last_good, accepted.xml)
    warnings = accepted.warnings(now, warn_days)
    for warning in warnings:
        logger.warning("GAR metadata %s", warning)
    logger.info("GAR metadata accepted digest=%s validUntil=%s changed=%s", accepted.digest,
                iso_instant(accepted.valid_until), changed)
    return RefreshOutcome(accepted, changed, warnings, path)


# -- at start and in every worker --------------------------------------------------------

def startup_metadata(source: str, pins_path: Path | None, dev: bool, shared: SharedMetadata,
                     last_good: Path, fetch_source: Callable[[], Path]) -> AcceptedMetadata:
    """The document a new worker starts with, written to the last good copy.

    Order: what Redis holds (published by a refresh, verified again here), else the source
    (``GAR_IDP_METADATA``), else the last good copy on disk. Without a pin, only in
    development, today's behaviour: the source as is.
    """
    if pins_path is None:
        if not dev:
            raise MetadataRefused("no_pinned_certificate",
                                  "GAR_METADATA_SIGNING_CERT must be set in production "
                                  "(PIXGAR_GENERATE_DEV_KEYS=0): unsigned GAR metadata is "
                                  "never accepted")
        return unverified_metadata(fetch_source().read_bytes())
    pins = load_pins(pins_path)
    try:
        published = shared.load()
    except redis.RedisError as error:
        logger.warning("GAR metadata: Redis unavailable at start (%s); using the source",
                       type(error).__name__)
        published = None
    if published is not None:
        try:
            return _keep(verify_metadata(published, pins), last_good)
        except MetadataRefused as refused:
            logger.error("GAR metadata in Redis refused at start: %s", refused)
    try:
        return _keep(verify_metadata(fetch_source().read_bytes(), pins), last_good)
    except Exception as error:
        if not last_good.is_file():
            raise
        logger.error("GAR metadata source refused at start (%s); using the last good copy %s",
                     error, last_good)
        return verify_metadata(last_good.read_bytes(), pins)


def _keep(accepted: AcceptedMetadata, last_good: Path) -> AcceptedMetadata:
    write_atomically(last_good, accepted.xml)
    return accepted


class MetadataWatcher:
    """One per worker: notices a newly published document and swaps it into pysaml2."""

    def __init__(self, shared: SharedMetadata, current: AcceptedMetadata,
                 pins_path: Path | None, last_good: Path, check_seconds: float,
                 refresh: Callable[[], Any] | None = None, refresh_seconds: int = 0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.shared = shared
        self.current = current
        self.pins_path = pins_path
        self.last_good = last_good
        self.check_seconds = check_seconds
        self.refresh = refresh
        self.refresh_seconds = refresh_seconds
        self.clock = clock
        self._last_check = clock()
        self._lock = threading.Lock()

    def ensure_current(self, sp: Any) -> None:  # saml2.client.Saml2Client
        """In the login path: maybe swap, then refuse with a 503 if the metadata expired."""
        if self.clock() - self._last_check >= self.check_seconds and \
                self._lock.acquire(blocking=False):
            try:
                self._last_check = self.clock()
                self._check(sp)
                self._maybe_start_refresh()
            finally:
                self._lock.release()
        if self.current.expired(utcnow()):
            logger.error("GAR metadata expired: validUntil %s (digest %s) is past; logins "
                         "refused until `pixgar metadata refresh` publishes a valid document",
                         iso_instant(self.current.valid_until), self.current.digest[:16])
            raise ServiceUnavailable("gar_metadata_expired")

    def _check(self, sp: Any) -> None:
        try:
            digest = self.shared.digest()
            if digest is None or digest == self.current.digest:
                return
            xml = self.shared.load()
        except redis.RedisError as error:
            logger.warning("GAR metadata check skipped: Redis %s", type(error).__name__)
            return
        if xml is None:
            return
        try:
            accepted = (verify_metadata(xml, load_pins(self.pins_path)) if self.pins_path
                        else unverified_metadata(xml))
            self.swap(sp, accepted)
        except Exception as error:  # keep serving with the current document
            logger.error("GAR metadata %s from Redis not swapped in: %s", digest[:16], error)
            return

    def swap(self, sp: Any, accepted: AcceptedMetadata) -> None:
        """Build a new pysaml2 store, then replace every reference at once (no empty moment)."""
        path = write_atomically(self.last_good, accepted.xml)
        store = sp.config.load_metadata({"local": [str(path)]})
        sp.config.metadata = store
        sp.metadata = store
        sp.sec.metadata = store
        sp.sourceid = store.construct_source_id()
        previous, self.current = self.current, accepted
        logger.info("GAR metadata swapped in: digest %s -> %s, validUntil %s",
                    previous.digest[:16], accepted.digest[:16], iso_instant(accepted.valid_until))

    def _maybe_start_refresh(self) -> None:
        if not self.refresh or self.refresh_seconds <= 0:
            return
        try:
            if not self.shared.take_refresh_lock(self.refresh_seconds):
                return
        except redis.RedisError:
            return
        threading.Thread(target=self._run_refresh, name="gar-metadata-refresh",
                         daemon=True).start()

    def _run_refresh(self) -> None:
        try:
            self.refresh()  # type: ignore[misc]
        except MetadataRefused as refused:
            logger.error("GAR metadata periodic refresh refused (last good kept): %s", refused)
        except Exception as error:
            logger.error("GAR metadata periodic refresh failed: %s", type(error).__name__)

    def status(self) -> dict[str, Any]:
        return self.current.describe()


def watcher_from_config(config: dict[str, Any], client: redis.Redis) -> MetadataWatcher:
    """The watcher of a GAR service provider, from ``gar.metadata`` (see gar_metadata_startup)."""
    xml = Path(config["file"]).read_bytes()
    current = unverified_metadata(xml)
    current = AcceptedMetadata(current.xml, current.valid_until, verified=config["verified"])
    pins_path = Path(config["signing_cert"]) if config["signing_cert"] else None
    last_good = Path(config["last_good"])
    shared = SharedMetadata(client, config["redis_key"])

    def periodic_refresh() -> RefreshOutcome:
        return refresh_metadata(shared, config["source"], load_pins(pins_path), last_good,
                                config["warn_days"])

    return MetadataWatcher(shared, current, pins_path, last_good, config["check_seconds"],
                           refresh=periodic_refresh if pins_path else None,
                           refresh_seconds=config["refresh_seconds"])
