"""Error pages of campaigns and invitations (merged into ``errors.ERROR_PAGES``)."""

from __future__ import annotations

from pix_core.domain.campaigns import (
    CampaignArchived,
    CampaignNotFound,
    CodeSpaceExhausted,
    NotReadyToShare,
    ParticipationNotFound,
)
from pix_core.domain.invitations import InvitationNotFound, InvitationRefused


def campaign_error_pages(page: type) -> dict[type[Exception], object]:
    """``page`` is ``errors.ErrorPage`` (passed in: no import cycle)."""
    return {
        CampaignNotFound: page(
            404, "Parcours introuvable",
            "Ce code de parcours n'existe pas. Vérifiez-le auprès de votre enseignant."),
        CampaignArchived: page(
            403, "Parcours archivé",
            "Ce parcours a été archivé par votre enseignant : il n'est plus possible de "
            "le rejoindre."),
        ParticipationNotFound: page(
            404, "Participation introuvable",
            "Vous ne participez pas à ce parcours. Rejoignez-le d'abord avec son code."),
        NotReadyToShare: page(
            409, "Partage impossible",
            "Vos résultats ne peuvent être partagés qu'une fois le parcours terminé, "
            "et une seule fois."),
        CodeSpaceExhausted: page(
            503, "Création impossible",
            "Le parcours n'a pas pu être créé. Réessayez dans quelques instants."),
        InvitationNotFound: page(
            404, "Invitation introuvable",
            "Ce lien d'invitation n'est pas valide, a expiré ou a déjà été utilisé. "
            "Demandez une nouvelle invitation à l'administrateur Pix Orga de votre "
            "établissement."),
        InvitationRefused: page(
            400, "Invitation refusée", "Les informations envoyées ne sont pas valides."),
    }
