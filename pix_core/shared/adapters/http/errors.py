"""The one table mapping errors to HTTP statuses and French pages.

The entries below are the ones every context shares (CSRF, rate limits, the database
down); each context's ``adapters/http/errors.py`` contributes ``ERROR_PAGES`` for its own
domain errors, and ``create_app`` merges them into one ``ErrorTable`` (an error mapped
twice stops the start-up).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy.exc

from pix_core.shared.domain.rate_limit import TooManyAttempts


class CsrfRejected(Exception):
    kind = "csrf_rejected"


@dataclass(frozen=True)
class ErrorPage:
    status: int
    title: str
    message: str


ErrorPages = Mapping[type[Exception], ErrorPage]
"""What a context contributes: its errors and their pages."""

NOT_FOUND = ErrorPage(404, "Page introuvable", "La page demandée n'existe pas.")
METHOD_NOT_ALLOWED = ErrorPage(
    405, "Action impossible", "Cette action n'est pas possible sur cette page."
)
BAD_REQUEST = ErrorPage(400, "Requête invalide", "La requête envoyée n'est pas valide.")
INTERNAL_ERROR = ErrorPage(
    500,
    "Une erreur est survenue",
    "Un problème technique nous empêche de répondre. Réessayez dans quelques instants.",
)
# The database is down or unreachable (failing closed: nothing was written, retry later).
DATABASE_UNAVAILABLE = ErrorPage(
    503,
    "Service momentanément indisponible",
    "Pix est momentanément indisponible. Réessayez dans quelques minutes.",
)

SHARED_ERROR_PAGES: ErrorPages = {
    CsrfRejected: ErrorPage(
        403,
        "Action refusée",
        "Votre session a expiré ou la demande n'est pas valide. Rechargez la page et réessayez.",
    ),
    TooManyAttempts: ErrorPage(
        429,
        "Trop de tentatives",
        "Vous avez fait trop de tentatives en peu de temps. Patientez quelques minutes "
        "avant de réessayer.",
    ),
    sqlalchemy.exc.OperationalError: DATABASE_UNAVAILABLE,
    sqlalchemy.exc.TimeoutError: DATABASE_UNAVAILABLE,  # every pooled connection busy
}


class ErrorTable:
    """The shared entries and every context's, in one mapping; looked up by class."""

    def __init__(self, *contributions: ErrorPages) -> None:
        self.pages: dict[type[Exception], ErrorPage] = dict(SHARED_ERROR_PAGES)
        for pages in contributions:
            for error, page in pages.items():
                if error in self.pages:
                    raise ValueError(f"{error.__name__} has two error pages")
                self.pages[error] = page

    def page_for(self, error: Exception) -> ErrorPage:
        """The page for ``error`` (or its nearest mapped base class); 500 otherwise."""
        for cls in type(error).__mro__:
            if cls in self.pages:
                return self.pages[cls]
        return INTERNAL_ERROR


def kind_of(error: Exception) -> str | None:
    """The logged kind of ``error``; a database outage is named, never logged with its SQL."""
    if isinstance(error, sqlalchemy.exc.OperationalError | sqlalchemy.exc.TimeoutError):
        return "database_unavailable"
    return getattr(error, "kind", None)


def new_reference() -> str:
    """A short random id shown to the user and logged, to match a report to the logs."""
    return secrets.token_hex(4).upper()
