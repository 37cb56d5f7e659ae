"""Error pages of Pix Orga (merged into the app's ``ErrorTable``)."""

from __future__ import annotations

from pix_core.orga.domain.errors import (
    InvitationNotFound,
    InvitationRefused,
    LearnerNotFound,
    MembershipRequired,
    OrganizationNotFound,
    RecoveryFormInvalid,
    RecoveryNoMatch,
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
    LearnerNotFound: ErrorPage(
        404, "Aucun élève choisi",
        "Aucun élève actuel de l'établissement ne correspond à votre choix. Revenez à la "
        "liste des élèves et réessayez."),
    RecoveryFormInvalid: ErrorPage(
        400, "Informations incomplètes",
        "Indiquez votre numéro INE (11 caractères), vos prénom et nom, votre date de "
        "naissance et une adresse e-mail valide. Revenez en arrière et complétez le "
        "formulaire."),
    RecoveryNoMatch: ErrorPage(
        404, "Aucun compte ne correspond",
        "Ces informations ne correspondent à aucun compte Pix d'élève. Vérifiez l'INE, "
        "l'orthographe des nom et prénom et la date de naissance, ou demandez de l'aide à "
        "votre ancien établissement."),
}
