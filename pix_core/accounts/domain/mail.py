"""Mails to users: what to send (``Mail``) and the port that sends it (``Mailer``).

The texts are French, plain, and say nothing of other accounts. Links are absolute, on
``PIX_BASE_URL``; the paths are the pages' (``accounts/adapters/http/email_pages.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

CONFIRM_SIGN_UP_PATH = "/inscription/confirmer"
CONFIRM_EMAIL_PATH = "/mon-compte/email/confirmer"
RESET_PASSWORD_PATH = "/mot-de-passe/nouveau"  # noqa: S105 (a path)
RECOVER_PATH = "/recuperer-mon-compte/nouveau-mot-de-passe"
SIGNATURE = "\n\n-- \nPix, le service public pour évaluer ses compétences numériques.\n"


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str

    def __repr__(self) -> str:  # the address is personal data
        return f"Mail(subject={self.subject!r})"


class Mailer(Protocol):
    available: bool  # False when no SMTP server is configured

    def send(self, mail: Mail) -> None:
        """Hand ``mail`` over for delivery (it may go out after the request ends)."""
        ...


def link(base_url: str, path: str, token: str) -> str:
    return f"{base_url}{path}?jeton={token}"


def sign_up_confirmation(to: str, url: str) -> Mail:
    return Mail(to, "Confirmez votre adresse e-mail", (
        "Bonjour,\n\nPour terminer la création de votre compte Pix, ouvrez ce lien "
        f"(valable 24 heures) :\n\n{url}\n\nSi vous n'avez rien demandé, ignorez ce message."
        + SIGNATURE))


def address_already_used(to: str, reset_url: str) -> Mail:
    """Someone signed up (or added) an address that already opens an account."""
    return Mail(to, "Votre adresse e-mail est déjà utilisée sur Pix", (
        "Bonjour,\n\nQuelqu'un a demandé à créer un compte Pix avec cette adresse, qui "
        "ouvre déjà un compte. Si c'était vous, connectez-vous, ou choisissez un nouveau "
        f"mot de passe ici :\n\n{reset_url}\n\nSinon, ignorez ce message : rien n'a changé."
        + SIGNATURE))


def email_login_confirmation(to: str, url: str) -> Mail:
    return Mail(to, "Confirmez l'ajout de votre adresse e-mail", (
        "Bonjour,\n\nVous avez demandé à vous connecter à Pix avec cette adresse e-mail, "
        "en plus de l'ENT. Pour la confirmer, ouvrez ce lien (valable 24 heures) :\n\n"
        f"{url}\n\nSi vous n'avez rien demandé, ignorez ce message." + SIGNATURE))


def password_reset(to: str, url: str) -> Mail:
    return Mail(to, "Choisissez un nouveau mot de passe", (
        "Bonjour,\n\nPour choisir un nouveau mot de passe Pix, ouvrez ce lien (valable "
        f"1 heure, une seule fois) :\n\n{url}\n\nSi vous n'avez rien demandé, ignorez ce "
        "message : votre mot de passe n'a pas changé." + SIGNATURE))


def account_recovery(to: str, url: str) -> Mail:
    return Mail(to, "Récupérez votre compte Pix", (
        "Bonjour,\n\nVous avez demandé à récupérer votre compte Pix d'élève. Ouvrez ce lien "
        f"(valable 1 heure, une seule fois) pour choisir un mot de passe :\n\n{url}\n\n"
        "Vous vous connecterez ensuite avec cette adresse e-mail. Si vous n'avez rien "
        "demandé, ignorez ce message." + SIGNATURE))
