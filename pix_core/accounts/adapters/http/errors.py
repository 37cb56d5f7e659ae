"""Error pages of logins and accounts (merged into the app's ``ErrorTable``)."""

from __future__ import annotations

from pix_core.accounts.domain.errors import (
    AccountHasActivity,
    AuthenticationFailed,
    EmailLoginAlreadyPresent,
    GarAccountRequired,
    IdentityProviderUnavailable,
    InvalidEmail,
    InvalidLoginInitiation,
    LinkInvalid,
    LoginFailed,
    MailUnavailable,
    NamesRequired,
    OrgaLoginFailed,
    PasswordsDiffer,
    PixAccountRequired,
    UserNotFound,
    WeakPassword,
    WrongCurrentPassword,
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
    LoginFailed: ErrorPage(
        401, "La connexion a échoué",
        "L'identifiant ou le mot de passe est incorrect. Revenez en arrière et réessayez.",
    ),
    InvalidEmail: ErrorPage(
        400, "Adresse e-mail invalide",
        "L'adresse e-mail saisie n'est pas valide. Revenez en arrière et corrigez-la.",
    ),
    NamesRequired: ErrorPage(
        400, "Nom et prénom nécessaires",
        "Indiquez votre prénom et votre nom. Revenez en arrière et complétez le formulaire.",
    ),
    WeakPassword: ErrorPage(
        400, "Mot de passe trop faible",
        "Le mot de passe doit compter au moins 8 caractères et ne pas être composé "
        "uniquement de lettres ou uniquement de chiffres. Revenez en arrière et réessayez.",
    ),
    PasswordsDiffer: ErrorPage(
        400, "Les mots de passe diffèrent",
        "Les deux mots de passe saisis ne sont pas identiques. Revenez en arrière et réessayez.",
    ),
    WrongCurrentPassword: ErrorPage(
        400, "Mot de passe actuel incorrect",
        "Le mot de passe actuel saisi est incorrect : rien n'a été changé.",
    ),
    LinkInvalid: ErrorPage(
        400, "Lien expiré ou déjà utilisé",
        "Ce lien n'est plus valable : il a déjà servi ou il a expiré. Refaites la demande "
        "pour recevoir un nouveau lien.",
    ),
    EmailLoginAlreadyPresent: ErrorPage(
        409, "Adresse e-mail déjà enregistrée",
        "Votre compte a déjà une adresse e-mail et un mot de passe : utilisez-les pour vous "
        "connecter, ou changez votre mot de passe depuis « Mon compte ».",
    ),
    AccountHasActivity: ErrorPage(
        409, "Comptes impossibles à relier",
        "Ce compte contient déjà des résultats : le relier à un autre les ferait perdre. "
        "Demandez de l'aide à votre enseignant ou à l'assistance Pix.",
    ),
    UserNotFound: ErrorPage(
        404, "Compte introuvable",
        "Ce compte n'existe plus. Reconnectez-vous.",
    ),
    MailUnavailable: ErrorPage(
        503, "Envoi d'e-mails indisponible",
        "Pix ne peut pas envoyer d'e-mail pour le moment. Réessayez plus tard.",
    ),
}
