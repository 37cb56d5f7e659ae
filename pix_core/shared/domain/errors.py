"""The base of every error the domains and use cases raise.

Each context's ``adapters/http/errors.py`` maps its errors to a status and a French page;
``shared.adapters.http.errors.ErrorTable`` merges them into the one table of the app.
"""

from __future__ import annotations


class PixError(Exception):
    """Base class: ``kind`` is a short, log-safe label (never personal data)."""

    kind = "error"

    def __init__(self, kind: str | None = None) -> None:
        super().__init__(kind or self.kind)
        if kind:
            self.kind = kind
