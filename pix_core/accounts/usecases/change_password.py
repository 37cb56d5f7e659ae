"""A logged-in user replaces the password of their account's PIX login methods.

After a login with a one-time password (generated in Pix Orga) the page asks only for
the new one: the session says the old one was just typed (``current`` is ``None``).
"""

from __future__ import annotations

from kernel.clock import Clock
from pix_core.accounts.domain.errors import WrongCurrentPassword
from pix_core.accounts.domain.passwords import hash_password, verify_password
from pix_core.accounts.domain.repositories import AuthenticationMethodRepository
from pix_core.accounts.usecases.choose_password import checked_new_password


def change_password(user_id: int, current: str | None, new: str, confirmation: str,
                    methods: AuthenticationMethodRepository, clock: Clock) -> None:
    pix = [m for m in methods.list_for_user(user_id) if m.is_pix]
    if not pix:
        raise WrongCurrentPassword("no_password_login")
    if current is not None and not verify_password(current, pix[0].password_hash):
        raise WrongCurrentPassword()
    password_hash = hash_password(checked_new_password(new, confirmation))
    now = clock()
    for method in pix:
        methods.update(method.with_password(password_hash, now))
