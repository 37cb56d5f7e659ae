"""Logging for every pixgar process: INFO by default, chatty libraries held at WARNING.

SATOSA, pysaml2, pyop and oic log cookies, request bodies, SAML messages and attributes
at DEBUG and INFO; those loggers never go below WARNING here, whatever ``LOG_LEVEL`` says.
"""

from __future__ import annotations

import logging
import os

from kernel.json_logging import JsonFormatter, RequestIdFilter, TextFormatter

NOISY_LIBRARIES = ("satosa", "saml2", "pyop", "oic", "jwkest", "cookies_samesite_compat",
                   "werkzeug")  # werkzeug's access log prints URLs: codes, handles, hints


def configure_logging(level: str = "INFO", log_format: str | None = None) -> None:
    """Install one stdout handler at ``level`` and quiet the libraries that log personal data.

    ``log_format`` (default: ``LOG_FORMAT``, ``text`` or ``json``): ``json`` writes one JSON
    object per line; both carry the request id (kernel/json_logging.py).
    """
    wanted = (log_format or os.environ.get("LOG_FORMAT") or "text").strip().lower()
    formatter = (JsonFormatter() if wanted == "json"
                 else TextFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, "_pixgar", False)), None)
    if handler is None:
        handler = logging.StreamHandler()
        handler._pixgar = True  # type: ignore[attr-defined]
        handler.addFilter(RequestIdFilter())
        root.addHandler(handler)
    handler.setFormatter(formatter)
    root.setLevel(level)
    for name in NOISY_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
