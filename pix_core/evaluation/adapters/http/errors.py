"""Error pages of assessments (merged into the app's ``ErrorTable``)."""

from __future__ import annotations

from pix_core.evaluation.domain.errors import (
    AnswerAlreadyGiven,
    AssessmentCompleted,
    AssessmentNotFound,
    ChallengeNotCurrent,
    NothingToAssess,
)
from pix_core.shared.adapters.http.errors import ErrorPage, ErrorPages

ERROR_PAGES: ErrorPages = {
    AssessmentNotFound: ErrorPage(
        404, "Évaluation introuvable",
        "Cette évaluation n'existe pas ou ne vous appartient pas."),
    NothingToAssess: ErrorPage(
        404, "Évaluation indisponible",
        "Il n'y a pas encore de questions pour cette compétence."),
    ChallengeNotCurrent: ErrorPage(
        409, "Question déjà passée",
        "Cette question n'est plus la question en cours. Retournez à l'évaluation pour "
        "continuer."),
    AnswerAlreadyGiven: ErrorPage(
        409, "Réponse déjà enregistrée",
        "Vous avez déjà répondu à cette question : une seule réponse est prise en compte."),
    AssessmentCompleted: ErrorPage(
        409, "Évaluation terminée",
        "Cette évaluation est terminée : consultez votre profil."),
}
