"""The link mailed by ``add_email_login`` is opened: the account gets its e-mail login."""

from __future__ import annotations

from dataclasses import replace

from kernel.clock import Clock
from pix_core.accounts.domain.errors import EmailLoginAlreadyPresent, LinkInvalid
from pix_core.accounts.domain.repositories import (
    AccountTokenRepository,
    AuthenticationMethodRepository,
    UserRepository,
)
from pix_core.accounts.domain.tokens import TokenPurpose
from pix_core.accounts.domain.users import AuthenticationMethod
from pix_core.accounts.usecases.reset_password import find_usable_token


def confirm_email_login(secret: str, users: UserRepository,
                        methods: AuthenticationMethodRepository,
                        tokens: AccountTokenRepository, clock: Clock) -> int:
    """The account's id; ``LinkInvalid`` if used, expired, or the address taken since."""
    token = find_usable_token(secret, TokenPurpose.ADD_EMAIL, tokens, clock)
    user = None if token.user_id is None else users.get(token.user_id)
    if user is None or user.id is None or token.email is None:
        raise LinkInvalid()
    if users.find_by_email(token.email) or methods.find_pix_by_email(
            token.email):
        raise LinkInvalid("address_taken")
    if any(m.is_pix and m.email for m in methods.list_for_user(user.id)):
        raise EmailLoginAlreadyPresent()
    now = clock()
    tokens.update(token.used(now))
    users.update(replace(user, email=token.email, updated_at=now))
    methods.add(AuthenticationMethod.for_pix(user.id, token.email,
                                             token.payload["password_hash"], now))
    return user.id
