"""The rule every new password passes (sign-up, change, reset, recovery, first login)."""

from __future__ import annotations

from pix_core.accounts.domain.errors import PasswordsDiffer, WeakPassword
from pix_core.accounts.domain.passwords import is_acceptable_new_password


def checked_new_password(password: str, confirmation: str) -> str:
    """``password`` if acceptable and typed twice alike; ``WeakPassword``/``PasswordsDiffer``."""
    if not is_acceptable_new_password(password):
        raise WeakPassword()
    if password != confirmation:
        raise PasswordsDiffer()
    return password
