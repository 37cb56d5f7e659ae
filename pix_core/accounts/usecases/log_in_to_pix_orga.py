"""A teacher or school administrator logs in to Pix Orga with e-mail and password."""

from __future__ import annotations

from kernel.clock import Clock
from pix_core.accounts.domain.errors import OrgaLoginFailed
from pix_core.accounts.domain.passwords import verify_password
from pix_core.accounts.domain.repositories import AuthenticationMethodRepository


def log_in_to_pix_orga(
    email: str, password: str, methods: AuthenticationMethodRepository, clock: Clock
) -> int:
    """Return the user id; ``OrgaLoginFailed`` whether the e-mail or the password is wrong."""
    method = methods.find_pix_by_email(email) if email.strip() else None
    # verify_password first: without a method it costs the same, so timing tells nothing
    if not verify_password(password, method.password_hash if method else None) or method is None:
        raise OrgaLoginFailed()
    methods.update(method.logged_in(method.school, clock()))
    return method.user_id
