"""The mailed reset link is opened and a new password chosen (the link then stops working)."""

from __future__ import annotations

from kernel.clock import Clock
from pix_core.accounts.domain.errors import LinkInvalid
from pix_core.accounts.domain.passwords import hash_password
from pix_core.accounts.domain.repositories import (
    AccountTokenRepository,
    AuthenticationMethodRepository,
)
from pix_core.accounts.domain.tokens import AccountToken, TokenPurpose, hash_token
from pix_core.accounts.usecases.choose_password import checked_new_password


def find_usable_token(secret: str, purpose: TokenPurpose, tokens: AccountTokenRepository,
                      clock: Clock) -> AccountToken:
    """The token of a link, if still good for ``purpose``; ``LinkInvalid`` otherwise."""
    token = tokens.find(hash_token(secret)) if secret else None
    if token is None or not token.usable_for(purpose, clock()) or token.user_id is None:
        raise LinkInvalid()
    return token


def reset_password(secret: str, new: str, confirmation: str,
                   methods: AuthenticationMethodRepository, tokens: AccountTokenRepository,
                   clock: Clock) -> int:
    """The account's id, its PIX login methods now opening with ``new``."""
    token = find_usable_token(secret, TokenPurpose.RESET_PASSWORD, tokens, clock)
    user_id = token.user_id or 0
    password_hash = hash_password(checked_new_password(new, confirmation))
    now = clock()
    pix = [m for m in methods.list_for_user(user_id) if m.is_pix]
    if not pix:
        raise LinkInvalid("no_password_login")
    for method in pix:
        methods.update(method.with_password(password_hash, now))
    tokens.update(token.used(now))
    return user_id
