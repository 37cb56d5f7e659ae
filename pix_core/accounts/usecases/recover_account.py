"""The recovery link (``orga.usecases.request_account_recovery``) is opened and a password
chosen: the account logs in with the new e-mail address from now on."""

from __future__ import annotations

from dataclasses import replace

from kernel.clock import Clock
from pix_core.accounts.domain.errors import LinkInvalid
from pix_core.accounts.domain.passwords import hash_password
from pix_core.accounts.domain.repositories import (
    AccountTokenRepository,
    AuthenticationMethodRepository,
    UserRepository,
)
from pix_core.accounts.domain.tokens import TokenPurpose
from pix_core.accounts.domain.users import AuthenticationMethod
from pix_core.accounts.usecases.choose_password import checked_new_password
from pix_core.accounts.usecases.reset_password import find_usable_token


def recover_account(secret: str, new: str, confirmation: str, users: UserRepository,
                    methods: AuthenticationMethodRepository, tokens: AccountTokenRepository,
                    clock: Clock) -> int:
    token = find_usable_token(secret, TokenPurpose.RECOVER, tokens, clock)
    user = users.get(token.user_id or 0)
    email = token.email
    if user is None or user.id is None or email is None:
        raise LinkInvalid()
    holder = users.find_by_email(email)
    if holder is not None and holder.id != user.id:
        raise LinkInvalid("address_taken")
    password_hash, now = hash_password(checked_new_password(new, confirmation)), clock()
    with_email = [m for m in methods.list_for_user(user.id) if m.is_pix and m.email]
    if with_email:
        methods.update(replace(with_email[0], email=email).with_password(password_hash, now))
    else:
        methods.add(AuthenticationMethod.for_pix(user.id, email, password_hash, now))
    users.update(replace(user, email=email, updated_at=now))
    tokens.update(token.used(now))
    return user.id
