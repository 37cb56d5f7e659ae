"""The mailed link of a sign-up is opened: the account is created, with its e-mail login."""

from __future__ import annotations

from kernel.clock import Clock
from pix_core.accounts.domain.errors import LinkInvalid
from pix_core.accounts.domain.repositories import (
    AccountTokenRepository,
    AuthenticationMethodRepository,
    UserRepository,
)
from pix_core.accounts.domain.tokens import TokenPurpose, hash_token
from pix_core.accounts.domain.users import AuthenticationMethod, User


def confirm_sign_up(secret: str, users: UserRepository, methods: AuthenticationMethodRepository,
                    tokens: AccountTokenRepository, clock: Clock) -> int:
    """The new account's id; ``LinkInvalid`` if used, expired, or the address taken since."""
    now = clock()
    token = tokens.find(hash_token(secret))
    if token is None or not token.usable_for(TokenPurpose.SIGN_UP, now) or not token.email:
        raise LinkInvalid()
    if users.find_by_email(token.email) or methods.find_pix_by_email(token.email):
        raise LinkInvalid("address_taken")
    tokens.update(token.used(now))
    payload = token.payload
    user_id = users.add(User.new(payload["first_name"], payload["last_name"], now,
                                 token.email)).id or 0
    methods.add(AuthenticationMethod.for_pix(user_id, token.email, payload["password_hash"],
                                             now).logged_in(None, now))
    return user_id
