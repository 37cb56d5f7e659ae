"""Error pages of certification (merged into the app's ``ErrorTable``).

A pupil's refusal says nothing about who is enrolled: a wrong access code, name or birth
date, or a session of another school, all give the same page.
"""

from __future__ import annotations

from pix_core.certification.domain.errors import (
    CandidateNotFound,
    CandidateRefused,
    CertificateNotFound,
    CodeSpaceExhausted,
    CodeTaken,
    InvalidCandidateList,
    InvalidSession,
    LearnerCannotEnrol,
    NotEligible,
    SessionClosed,
    SessionNotFound,
    SittingNotAllowed,
    SupervisorRefused,
)
from pix_core.shared.adapters.http.errors import ErrorPage, ErrorPages

ERROR_PAGES: ErrorPages = {
    SessionNotFound: ErrorPage(
        404, "Session introuvable", "Cette session de certification n'existe pas."),
    InvalidSession: ErrorPage(
        400, "Session incomplète",
        "Renseignez la date, l'heure (HH:MM), la salle, l'adresse et le nom de "
        "l'examinateur, puis réessayez."),
    SessionClosed: ErrorPage(
        409, "Action impossible",
        "Cette action n'est plus possible à cette étape de la session (créée, finalisée, "
        "résultats calculés, résultats publiés)."),
    LearnerCannotEnrol: ErrorPage(
        400, "Inscription impossible",
        "Un des élèves choisis n'est pas, ou plus, inscrit dans votre établissement : "
        "aucun candidat n'a été ajouté."),
    InvalidCandidateList: ErrorPage(
        400, "Liste de candidats refusée",
        "Le fichier doit être un CSV séparé par des points-virgules avec l'en-tête "
        "« Nom;Prénom;Date de naissance;Temps majoré », chaque ligne désignant un seul "
        "élève de l'établissement. Aucun candidat n'a été ajouté."),
    CandidateNotFound: ErrorPage(
        404, "Candidat introuvable", "Ce candidat n'existe pas dans cette session."),
    CandidateRefused: ErrorPage(
        403, "Accès à la certification refusé",
        "Les informations saisies ne correspondent à aucun candidat inscrit à une session "
        "de votre établissement. Vérifiez le code d'accès donné par le surveillant, vos nom, "
        "prénom et date de naissance, puis réessayez."),
    NotEligible: ErrorPage(
        403, "Vous n'êtes pas encore certifiable",
        "Pour passer la certification, au moins 5 compétences doivent être au niveau 1 ou "
        "plus. Continuez à vous positionner depuis « Mon profil », puis prévenez le "
        "surveillant."),
    SittingNotAllowed: ErrorPage(
        409, "Action impossible",
        "Le test ne peut pas avancer pour le moment (en attente du surveillant, terminé ou "
        "arrêté). Rechargez la page de votre certification."),
    SupervisorRefused: ErrorPage(
        403, "Accès refusé",
        "Le numéro de session ou le mot de passe de surveillance est incorrect, ou la "
        "session est terminée."),
    CertificateNotFound: ErrorPage(
        404, "Certificat introuvable",
        "Aucun certificat publié ne correspond à ce code de vérification. Vérifiez le code "
        "(P- suivi de 8 caractères)."),
    CodeSpaceExhausted: ErrorPage(
        503, "Création impossible",
        "La session n'a pas pu être créée. Réessayez dans quelques instants."),
    CodeTaken: ErrorPage(
        409, "Création impossible",
        "Un code vient d'être utilisé par ailleurs. Réessayez."),
}
