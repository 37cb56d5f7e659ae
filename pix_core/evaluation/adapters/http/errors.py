"""Error pages of competence evaluations (merged into ``errors.ERROR_PAGES``)."""

from __future__ import annotations

from typing import Any

from pix_core.domain.assessment import (
    AnswerAlreadyGiven,
    AssessmentCompleted,
    AssessmentNotFound,
    ChallengeNotCurrent,
    NothingToEvaluate,
)


def evaluation_error_pages(page: Any) -> dict[type[Exception], Any]:
    """``page`` is ``errors.ErrorPage`` (passed in to avoid an import cycle)."""
    return {
        AssessmentNotFound: page(404, "Évaluation introuvable",
                                 "Cette évaluation n'existe pas ou ne vous appartient pas."),
        NothingToEvaluate: page(404, "Évaluation indisponible",
                                "Il n'y a pas encore de questions pour cette compétence."),
        ChallengeNotCurrent: page(409, "Question déjà passée",
                                  "Cette question n'est plus la question en cours. "
                                  "Retournez à l'évaluation pour continuer."),
        AnswerAlreadyGiven: page(409, "Réponse déjà enregistrée",
                                 "Vous avez déjà répondu à cette question : une seule "
                                 "réponse est prise en compte."),
        AssessmentCompleted: page(409, "Évaluation terminée",
                                  "Cette évaluation est terminée : consultez votre profil."),
    }
