""""Mot de passe oublié": a link to choose a new password is mailed, if the address has one.

Known or not, the visitor reads the same page, and the request writes one token either
way (a dead one for an unknown address), so neither the answer nor its time tells.
"""

from __future__ import annotations

from kernel.clock import Clock
from pix_core.accounts.domain import mail
from pix_core.accounts.domain.errors import InvalidEmail
from pix_core.accounts.domain.mail import Mailer
from pix_core.accounts.domain.repositories import (
    AccountTokenRepository,
    AuthenticationMethodRepository,
)
from pix_core.accounts.domain.tokens import AccountToken, TokenPurpose
from pix_core.accounts.domain.users import is_plausible_email, normalize_email


def request_password_reset(email: str, methods: AuthenticationMethodRepository,
                           tokens: AccountTokenRepository, mailer: Mailer, clock: Clock,
                           base_url: str) -> None:
    if not is_plausible_email(email):
        raise InvalidEmail()
    email = normalize_email(email)
    method = methods.find_pix_by_email(email)
    secret, token = AccountToken.issue(TokenPurpose.RESET_PASSWORD, clock(), email=email,
                                       user_id=None if method is None else method.user_id)
    tokens.add(token)  # without a user the token opens nothing
    if method is not None:
        mailer.send(mail.password_reset(email, mail.link(base_url, mail.RESET_PASSWORD_PATH,
                                                         secret)))
