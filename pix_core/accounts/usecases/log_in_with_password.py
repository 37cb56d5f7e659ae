"""Log in with an e-mail address or a generated username, and a password.

Whatever is wrong (unknown login, wrong password) the answer is ``LoginFailed`` after
the same work: an unknown login still costs one password derivation. A hash made with
older parameters is replaced by one with today's (``passwords.needs_rehash``).
"""

from __future__ import annotations

from dataclasses import dataclass

from kernel.clock import Clock
from pix_core.accounts.domain.errors import LoginFailed
from pix_core.accounts.domain.passwords import hash_password, needs_rehash, verify_password
from pix_core.accounts.domain.repositories import AuthenticationMethodRepository
from pix_core.accounts.domain.users import AuthenticationMethod

MAX_LOGIN_LENGTH = 320


@dataclass(frozen=True)
class PasswordLogin:
    user_id: int
    method_id: int
    must_change_password: bool


def find_password_method(login: str, methods: AuthenticationMethodRepository
                         ) -> AuthenticationMethod | None:
    """The PIX method of an e-mail (has ``@``) or of a username, if any."""
    login = login.strip().lower()
    if not login or len(login) > MAX_LOGIN_LENGTH:
        return None
    return methods.find_pix_by_email(login) if "@" in login else methods.find_pix_by_username(
        login)


def log_in_with_password(login: str, password: str, methods: AuthenticationMethodRepository,
                         clock: Clock) -> PasswordLogin:
    method = find_password_method(login, methods)
    if not verify_password(password, method.password_hash if method else None):
        raise LoginFailed()
    if method is None or method.id is None:  # verify_password said no already
        raise LoginFailed()
    now = clock()
    if needs_rehash(method.password_hash):
        method = method.with_password(hash_password(password), now,
                                      must_change=method.must_change_password)
    methods.update(method.logged_in(method.school, now))
    return PasswordLogin(method.user_id, method.id or 0, method.must_change_password)
