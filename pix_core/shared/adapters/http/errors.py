"""The one table mapping errors to HTTP statuses and French pages."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import sqlalchemy.exc

from pix_core.adapters.http.campaign_errors import campaign_error_pages
from pix_core.adapters.http.evaluation_errors import evaluation_error_pages
from pix_core.domain.accounts.errors import (
    GarAccountRequired,
    OrgaLoginFailed,
    PixAccountRequired,
)
from pix_core.domain.errors import (
    AuthenticationFailed,
    IdentityProviderUnavailable,
    InvalidLoginInitiation,
)
from pix_core.domain.memberships import MembershipRequired, OrganizationNotFound
from pix_core.domain.rate_limit import TooManyAttempts


class CsrfRejected(Exception):
    kind = "csrf_rejected"


@dataclass(frozen=True)
class ErrorPage:
    status: int
    title: str
    message: str


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

ERROR_PAGES: dict[type[Exception], ErrorPage] = {
    AuthenticationFailed: ErrorPage(
        401,
        "La connexion a échoué",
        "Nous n'avons pas pu vous connecter. Retournez dans le médiacentre de votre ENT "
        "et cliquez à nouveau sur la ressource Pix.",
    ),
    InvalidLoginInitiation: ErrorPage(
        400,
        "Connexion refusée",
        "Cette demande de connexion ne provient pas d'un fournisseur d'identité reconnu.",
    ),
    IdentityProviderUnavailable: ErrorPage(
        503,  # the user's remedy is the same as for our own outage: try again shortly
        "Service de connexion indisponible",
        "Le service de connexion du GAR ne répond pas. Réessayez dans quelques instants.",
    ),
    CsrfRejected: ErrorPage(
        403,
        "Action refusée",
        "Votre session a expiré ou la demande n'est pas valide. Rechargez la page et réessayez.",
    ),
    OrgaLoginFailed: ErrorPage(
        401, "La connexion a échoué", "L'adresse e-mail ou le mot de passe est incorrect."
    ),
    PixAccountRequired: ErrorPage(
        403,
        "Compte avec adresse e-mail nécessaire",
        "Pix Orga nécessite un compte Pix avec une adresse e-mail : demandez à "
        "l'administrateur Pix Orga de votre établissement de vous ajouter.",
    ),
    GarAccountRequired: ErrorPage(
        403,
        "Page réservée aux élèves",
        "Cette page est réservée aux élèves connectés depuis le médiacentre de leur ENT.",
    ),
    OrganizationNotFound: ErrorPage(
        404, "Organisation introuvable", "Cette organisation n'existe pas dans Pix Orga."
    ),
    MembershipRequired: ErrorPage(
        403,
        "Accès refusé",
        "Vous n'avez pas accès à cette page de l'organisation. Demandez à son "
        "administrateur Pix Orga de vous ajouter.",
    ),
    TooManyAttempts: ErrorPage(
        429,
        "Trop de tentatives",
        "Vous avez fait trop de tentatives en peu de temps. Patientez quelques minutes "
        "avant de réessayer.",
    ),
}

ERROR_PAGES.update(campaign_error_pages(ErrorPage))  # type: ignore[arg-type]
ERROR_PAGES.update(evaluation_error_pages(ErrorPage))

# The database is down or unreachable (failing closed: nothing was written, retry later).
DATABASE_UNAVAILABLE = ErrorPage(
    503,
    "Service momentanément indisponible",
    "Pix est momentanément indisponible. Réessayez dans quelques minutes.",
)
ERROR_PAGES[sqlalchemy.exc.OperationalError] = DATABASE_UNAVAILABLE


def kind_of(error: Exception) -> str | None:
    """The logged kind of ``error``; a database outage is named, never logged with its SQL."""
    if isinstance(error, sqlalchemy.exc.OperationalError):
        return "database_unavailable"
    return getattr(error, "kind", None)


def page_for(error: Exception) -> ErrorPage:
    """The page for ``error`` (or its nearest mapped base class); 500 otherwise."""
    for cls in type(error).__mro__:
        if cls in ERROR_PAGES:
            return ERROR_PAGES[cls]
    return INTERNAL_ERROR


def new_reference() -> str:
    """A short random id shown to the user and logged, to match a report to the logs."""
    return secrets.token_hex(4).upper()
