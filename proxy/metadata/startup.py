"""What a proxy worker starts with: the GAR metadata file for pysaml2 and the watcher's config."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from proxy.errors import ConfigurationError
from proxy.metadata.gar_metadata import SharedMetadata, last_good_path, startup_metadata
from proxy.metadata.verification import MetadataRefused
from proxy.settings import ProxySettings
from proxy.stores.connection import redis_client


def metadata_at_start(settings: ProxySettings, redis_url: str) -> tuple[Path, dict[str, Any]]:
    """The metadata file pysaml2 loads now, and the ``gar.metadata`` config of the backend.

    Raises :class:`proxy.errors.ConfigurationError` (one admin line) when refused.
    """
    options = settings.metadata
    shared = SharedMetadata(redis_client(redis_url), options.redis_key)
    last_good = last_good_path(settings.data_dir, options.last_good_file)
    try:
        accepted = startup_metadata(
            settings.gar_idp_metadata, options.signing_cert, settings.generate_dev_keys,
            shared, last_good, lambda: idp_metadata_file(settings))
    except MetadataRefused as refused:
        raise ConfigurationError(f"GAR metadata refused at start: {refused}") from None
    path = last_good if accepted.verified \
        else idp_metadata_file_for(settings, idp_metadata_file)
    config = {
        "redis_url": redis_url,
        "redis_key": options.redis_key,
        "signing_cert": str(options.signing_cert) if options.signing_cert else None,
        "last_good": str(last_good),
        "source": settings.gar_idp_metadata,
        "check_seconds": options.check_seconds,
        "refresh_seconds": options.refresh_seconds,
        "warn_days": options.warn_days,
        "file": str(path),
        "verified": accepted.verified,
    }
    return path, config


def idp_metadata_file_for(settings: ProxySettings,
                          locate: Callable[[ProxySettings], Path]) -> Path:
    """Without a pin (development): the file today's code uses (a local path is read as is)."""
    location = settings.gar_idp_metadata
    if location and not location.startswith(("https://", "http://")):
        return Path(location)
    return locate(settings)  # a URL: fetched again into the data dir (development only)


def idp_metadata_file(settings: ProxySettings) -> Path:
    """The GAR's metadata as a local file: ``GAR_IDP_METADATA`` is a path, or a URL fetched."""
    location = settings.gar_idp_metadata
    if not location:
        raise ConfigurationError("GAR_IDP_METADATA is not set (path or URL of the IdP metadata)")
    if not location.startswith(("https://", "http://")):
        path = Path(location)
        if not path.is_file():
            raise ConfigurationError(f"GAR_IDP_METADATA: no such file {path}")
        return path
    try:
        answer = requests.get(location, timeout=10)
        answer.raise_for_status()
    except requests.RequestException as error:
        raise ConfigurationError(f"GAR_IDP_METADATA: cannot fetch {location}: {error}") from error
    cached = settings.data_dir / "metadata" / "gar-idp.xml"
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_name(f".{cached.name}.{os.getpid()}.part")
    partial.write_bytes(answer.content)
    os.replace(partial, cached)  # atomic: a process reading the copy never sees half a file
    return cached
