"""A pupil whose GAR login opened a new account says "I already have a Pix account" and
proves it with that account's e-mail (or username) and password: the GAR login moves to
that account, and the new, empty one is deleted. No password, no link.

Refused (``AccountHasActivity``) when the GAR-made account already holds results or roster
ties: they would be lost. Linking an account to itself changes nothing.
"""

from __future__ import annotations

from kernel.clock import Clock
from pix_core.accounts.domain.errors import AccountHasActivity, EmailLoginAlreadyPresent
from pix_core.accounts.domain.repositories import (
    AccountActivity,
    AuthenticationMethodRepository,
    UserRepository,
)
from pix_core.accounts.usecases.log_in_with_password import log_in_with_password


def link_gar_account(current_user_id: int, login: str, password: str, users: UserRepository,
                     methods: AuthenticationMethodRepository, activity: AccountActivity,
                     clock: Clock) -> int:
    """The account now holding the GAR login (the one the password opened)."""
    target = log_in_with_password(login, password, methods, clock).user_id
    if target == current_user_id:
        return target
    current = methods.list_for_user(current_user_id)
    if any(m.is_pix for m in current):
        raise EmailLoginAlreadyPresent("both_have_passwords")
    if activity.has_activity(current_user_id):
        raise AccountHasActivity()
    now = clock()
    for method in current:
        methods.update(method.moved_to(target, now))
    users.delete(current_user_id)
    return target
