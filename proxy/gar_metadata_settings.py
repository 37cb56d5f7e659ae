"""Settings of the GAR metadata refresh (read with the proxy's settings; see docs/adr/0005)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_REDIS_KEY = "pixgar:gar-metadata:current"


@dataclass(frozen=True)
class MetadataSettings:
    """``GAR_METADATA_*``: the pinned certificate(s), the warning delay, the refresh cadence."""

    signing_cert: Path | None = None  # GAR_METADATA_SIGNING_CERT: one or more PEM certificates
    warn_days: int = 7  # GAR_METADATA_WARN_DAYS
    check_seconds: float = 10.0  # GAR_METADATA_CHECK_SECONDS: a worker's Redis digest GET
    refresh_seconds: int = 0  # GAR_METADATA_REFRESH_SECONDS: in-proxy periodic refresh, 0 = off
    redis_key: str = DEFAULT_REDIS_KEY  # GAR_METADATA_REDIS_KEY
    last_good_file: Path | None = None  # GAR_METADATA_LAST_GOOD_FILE, else in the data dir

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> MetadataSettings:
        cert = env.get("GAR_METADATA_SIGNING_CERT")
        try:
            return cls(
                signing_cert=Path(cert) if cert else None,
                warn_days=int(env.get("GAR_METADATA_WARN_DAYS") or 7),
                check_seconds=float(env.get("GAR_METADATA_CHECK_SECONDS") or 10),
                refresh_seconds=int(env.get("GAR_METADATA_REFRESH_SECONDS") or 0),
                redis_key=env.get("GAR_METADATA_REDIS_KEY") or DEFAULT_REDIS_KEY,
                last_good_file=Path(env["GAR_METADATA_LAST_GOOD_FILE"])
                if env.get("GAR_METADATA_LAST_GOOD_FILE") else None,
            )
        except ValueError as error:
            raise ValueError(f"GAR_METADATA_*: expected a number ({error})") from None
