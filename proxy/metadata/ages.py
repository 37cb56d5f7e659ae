"""The GAR metadata in use, seen from ``/metrics``: when it expires, when it was accepted."""

from __future__ import annotations

import math
from contextlib import suppress
from pathlib import Path
from typing import Any

from kernel.metrics_endpoint import Samples


def metadata_watcher(app: Any) -> Any:
    """The GAR backend's ``MetadataWatcher`` (``proxy/metadata/gar_metadata.py``), or None."""
    backends = getattr(getattr(app, "module_router", None), "backends", None) or {}
    for entry in backends.values():
        instance = entry.get("instance") if isinstance(entry, dict) else entry
        watcher = getattr(instance, "metadata_watcher", None)
        if watcher is not None:
            return watcher
    return None


def metadata_valid_until(watcher: Any) -> Samples:
    """The metadata's validUntil in epoch seconds; ``+Inf`` when it has none."""
    if watcher is None:
        return {}
    valid_until = watcher.current.valid_until
    return {(): valid_until.timestamp() if valid_until is not None else math.inf}


def metadata_age(watcher: Any, now: float) -> Samples:
    """Seconds since the watcher's last good copy was written; nothing if it has none."""
    if watcher is None:
        return {}
    written = _modified(Path(watcher.last_good))
    return {(): max(0.0, now - written)} if written is not None else {}


def _modified(path: Path) -> float | None:
    with suppress(OSError):
        return path.stat().st_mtime
    return None
