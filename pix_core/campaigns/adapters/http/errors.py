"""Error pages of campaigns (merged into the app's ``ErrorTable``)."""

from __future__ import annotations

from pix_core.campaigns.domain.errors import (
    CampaignArchived,
    CampaignNotFound,
    CodeSpaceExhausted,
    NotReadyToShare,
    ParticipationNotFound,
)
from pix_core.shared.adapters.http.errors import ErrorPage, ErrorPages

ERROR_PAGES: ErrorPages = {
    CampaignNotFound: ErrorPage(
        404, "Parcours introuvable",
        "Ce code de parcours n'existe pas. Vérifiez-le auprès de votre enseignant."),
    CampaignArchived: ErrorPage(
        403, "Parcours archivé",
        "Ce parcours a été archivé par votre enseignant : il n'est plus possible de "
        "le rejoindre."),
    ParticipationNotFound: ErrorPage(
        404, "Participation introuvable",
        "Vous ne participez pas à ce parcours. Rejoignez-le d'abord avec son code."),
    NotReadyToShare: ErrorPage(
        409, "Partage impossible",
        "Vos résultats ne peuvent être partagés qu'une fois le parcours terminé, "
        "et une seule fois."),
    CodeSpaceExhausted: ErrorPage(
        503, "Création impossible",
        "Le parcours n'a pas pu être créé. Réessayez dans quelques instants."),
}
