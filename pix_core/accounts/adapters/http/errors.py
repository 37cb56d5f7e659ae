"""Error pages of logins and accounts (merged into the app's ``ErrorTable``)."""

from __future__ import annotations

from pix_core.accounts.domain.errors import (
    AuthenticationFailed,
    GarAccountRequired,
    IdentityProviderUnavailable,
    InvalidLoginInitiation,
    OrgaLoginFailed,
    PixAccountRequired,
)
from pix_core.shared.adapters.http.errors import ErrorPage, ErrorPages

ERROR_PAGES: ErrorPages = {
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
}
