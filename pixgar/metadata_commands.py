"""``pixgar metadata refresh|export``: the GAR's IdP metadata and the SP's own metadata.

Exit codes of ``refresh``: 0 accepted (warnings, e.g. ``expires_soon``, are printed and in
the JSON), 1 refused (the reason code and why; the last good metadata is kept), 2 bad
configuration (no pinned certificate, unreadable pin).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

REFUSED = 1
CONFIGURATION = 2
_CONFIGURATION_REASONS = {"no_pinned_certificate", "unreadable_pinned_certificate", "no_source"}


def _emit(args: argparse.Namespace, body: dict[str, Any], text: str, error: bool = False) -> None:
    if getattr(args, "json", False):
        print(json.dumps(body, sort_keys=True))
    else:
        print(text, file=sys.stderr if error else sys.stdout)


def metadata_refresh(args: argparse.Namespace) -> int:
    from kernel.logging_setup import configure_logging
    from proxy.config import pyop_redis_uri
    from proxy.metadata.gar_metadata import SharedMetadata, last_good_path, refresh_metadata
    from proxy.metadata.verification import MetadataRefused, load_pins
    from proxy.settings import ProxySettings
    from proxy.stores.connection import redis_client

    settings = ProxySettings.from_env()
    configure_logging(settings.log_level)
    source = args.source or settings.gar_idp_metadata
    shared = SharedMetadata(redis_client(pyop_redis_uri(settings.redis_url)),
                            settings.metadata.redis_key)
    try:
        outcome = refresh_metadata(shared, source, load_pins(settings.metadata.signing_cert),
                                   last_good_path(settings.data_dir,
                                                  settings.metadata.last_good_file),
                                   settings.metadata.warn_days)
    except MetadataRefused as refused:
        status = CONFIGURATION if refused.reason in _CONFIGURATION_REASONS else REFUSED
        _emit(args, {"status": "refused", "reason": refused.reason, "detail": refused.detail,
                     "source": source, "last_good_kept": True},
              f"pixgar: GAR metadata refused ({refused}); the last good metadata is kept",
              error=True)
        return status
    body = {**outcome.as_json(), "source": source}
    lines = [f"GAR metadata accepted: digest {outcome.accepted.digest}, validUntil "
             f"{body['valid_until']}, {'published' if outcome.changed else 'unchanged'}"]
    lines += [f"warning: {warning}" for warning in outcome.warnings]
    _emit(args, body, "\n".join(lines))
    return 0


def metadata_export(args: argparse.Namespace) -> int:
    from proxy.metadata.service_provider import export_sp_metadata
    from proxy.settings import ProxySettings

    xml = export_sp_metadata(ProxySettings.from_env())
    if getattr(args, "json", False):
        print(json.dumps({"metadata": xml}))
    else:
        sys.stdout.write(xml + "\n")
    return 0


def add_parsers(metadata) -> None:
    """The ``metadata`` subcommands, on the ``pixgar metadata`` subparsers object."""
    export = metadata.add_parser("export", help="print the SP metadata to hand to the GAR")
    export.add_argument("--json", action="store_true", help='print {"metadata": "<xml>"}')
    export.set_defaults(run=metadata_export)
    refresh = metadata.add_parser(
        "refresh", help="fetch, verify (pinned signature, validUntil) and publish the GAR's "
                        "IdP metadata to every proxy worker; exit 0 accepted, 1 refused, 2 "
                        "configuration")
    refresh.add_argument("--source", default=None,
                         help="URL or path of the metadata (default: GAR_IDP_METADATA)")
    refresh.add_argument("--json", action="store_true", help="one JSON object on stdout")
    refresh.set_defaults(run=metadata_refresh)
