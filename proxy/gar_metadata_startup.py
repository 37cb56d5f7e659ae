"""What a proxy worker starts with: the GAR metadata file for pysaml2 and the watcher's config."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from proxy.gar_metadata import (
    MetadataRefused,
    SharedMetadata,
    last_good_path,
    startup_metadata,
)
from proxy.settings import ProxySettings
from proxy.stores.connection import redis_client


def metadata_at_start(settings: ProxySettings, redis_url: str) -> tuple[Path, dict[str, Any]]:
    """The metadata file pysaml2 loads now, and the ``gar.metadata`` config of the backend.

    Raises :class:`proxy.config.ConfigurationError` (one admin line) when refused.
    """
    from proxy.config import ConfigurationError, idp_metadata_file

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


def idp_metadata_file_for(settings: ProxySettings, locate) -> Path:
    """Without a pin (development): the file today's code uses (a local path is read as is)."""
    location = settings.gar_idp_metadata
    if location and not location.startswith(("https://", "http://")):
        return Path(location)
    return locate(settings)  # a URL: fetched again into the data dir (development only)
