"""Error pages of Pix Orga (merged into the app's ``ErrorTable``)."""

from __future__ import annotations

from pix_core.orga.domain.errors import (
    InvitationNotFound,
    InvitationRefused,
    MembershipRequired,
    OrganizationNotFound,
)
from pix_core.shared.adapters.http.errors import ErrorPage, ErrorPages

ERROR_PAGES: ErrorPages = {
    OrganizationNotFound: ErrorPage(
        404, "Organisation introuvable", "Cette organisation n'existe pas dans Pix Orga."
    ),
    MembershipRequired: ErrorPage(
        403,
        "Accès refusé",
        "Vous n'avez pas accès à cette page de l'organisation. Demandez à son "
        "administrateur Pix Orga de vous ajouter.",
    ),
    InvitationNotFound: ErrorPage(
        404, "Invitation introuvable",
        "Ce lien d'invitation n'est pas valide, a expiré ou a déjà été utilisé. "
        "Demandez une nouvelle invitation à l'administrateur Pix Orga de votre "
        "établissement."),
    InvitationRefused: ErrorPage(
        400, "Invitation refusée", "Les informations envoyées ne sont pas valides."),
}
