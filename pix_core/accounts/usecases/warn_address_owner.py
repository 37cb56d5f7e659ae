"""An address typed by someone already opens an account: its owner is told, by mail.

The mail carries a link to choose a new password, so the owner can act if the request was
theirs; the visitor sees the same page as for a new address (sign-up, adding an e-mail
login, account recovery), so nobody learns which addresses have an account.
"""

from __future__ import annotations

from datetime import datetime

from pix_core.accounts.domain import mail
from pix_core.accounts.domain.mail import Mailer
from pix_core.accounts.domain.repositories import AccountTokenRepository
from pix_core.accounts.domain.tokens import AccountToken, TokenPurpose


def warn_address_owner(owner_id: int | None, email: str, now: datetime,
                       tokens: AccountTokenRepository, mailer: Mailer, base_url: str) -> None:
    """Mail ``email``'s owner that the address was used, with a password-reset link."""
    secret, token = AccountToken.issue(TokenPurpose.RESET_PASSWORD, now, email=email,
                                       user_id=owner_id)
    tokens.add(token)
    mailer.send(mail.address_already_used(
        email, mail.link(base_url, mail.RESET_PASSWORD_PATH, secret)))
