"""Logging for every pixgar process: INFO by default, chatty libraries held at WARNING.

SATOSA, pysaml2, pyop and oic log cookies, request bodies, SAML messages and attributes
at DEBUG and INFO; those loggers never go below WARNING here, whatever ``LOG_LEVEL`` says.
"""

from __future__ import annotations

import logging

NOISY_LIBRARIES = ("satosa", "saml2", "pyop", "oic", "jwkest", "cookies_samesite_compat",
                   "werkzeug")  # werkzeug's access log prints URLs: codes, handles, hints


def configure_logging(level: str = "INFO") -> None:
    """Install one stdout handler at ``level`` and quiet the libraries that log personal data."""
    root = logging.getLogger()
    if not any(getattr(h, "_pixgar", False) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        handler._pixgar = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
    for name in NOISY_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
