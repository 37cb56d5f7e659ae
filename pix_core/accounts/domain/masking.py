"""Hints about an account that do not reveal it (shown to someone who is not its owner)."""

from __future__ import annotations

GAR_ACCOUNT_HINT = "un compte connecté via l'ENT (GAR)"


def mask_email(email: str) -> str:
    """``jeanne.dupont@exemple.fr`` → ``j***@e***.fr``."""
    local, _, domain = email.strip().partition("@")
    host, dot, tld = domain.rpartition(".")
    if not dot:
        host, tld = domain, ""
    masked_domain = f"{host[:1]}***" + (f".{tld}" if tld else "")
    return f"{local[:1]}***@{masked_domain}"


def account_hint(email: str | None) -> str:
    """The masked e-mail of an account, or a mention of the ENT when it has none."""
    return mask_email(email) if email else GAR_ACCOUNT_HINT
