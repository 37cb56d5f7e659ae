"""A teacher or school administrator logs in to Pix Orga with e-mail and password."""

from __future__ import annotations

from kernel.clock import Clock
from pix_core.accounts.domain.errors import LoginFailed, OrgaLoginFailed
from pix_core.accounts.domain.repositories import AuthenticationMethodRepository
from pix_core.accounts.usecases.log_in_with_password import log_in_with_password


def log_in_to_pix_orga(
    email: str, password: str, methods: AuthenticationMethodRepository, clock: Clock
) -> int:
    """Return the user id; ``OrgaLoginFailed`` whether the e-mail or the password is wrong."""
    if "@" not in email:  # Pix Orga is for e-mail accounts; same cost as a wrong password
        email = ""
    try:
        return log_in_with_password(email, password, methods, clock).user_id
    except LoginFailed:
        raise OrgaLoginFailed() from None
