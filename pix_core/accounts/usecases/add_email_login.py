"""A pupil logged in through the GAR adds an e-mail address and a password to the account.

The login method exists only once the mailed link is opened (``confirm_email_login``).
An address that already opens an account gets a mail telling its owner, and the pupil
the same page as otherwise: linking to that account needs its password
(``link_gar_account``), never an address alone.
"""

from __future__ import annotations

from kernel.clock import Clock
from pix_core.accounts.domain import mail
from pix_core.accounts.domain.errors import EmailLoginAlreadyPresent, InvalidEmail
from pix_core.accounts.domain.mail import Mailer
from pix_core.accounts.domain.passwords import hash_password
from pix_core.accounts.domain.repositories import (
    AccountTokenRepository,
    AuthenticationMethodRepository,
    UserRepository,
)
from pix_core.accounts.domain.tokens import AccountToken, TokenPurpose
from pix_core.accounts.domain.users import is_plausible_email, normalize_email
from pix_core.accounts.usecases.choose_password import checked_new_password
from pix_core.accounts.usecases.warn_address_owner import warn_address_owner


def add_email_login(user_id: int, email: str, password: str, confirmation: str,
                    users: UserRepository, methods: AuthenticationMethodRepository,
                    tokens: AccountTokenRepository, mailer: Mailer, clock: Clock,
                    base_url: str) -> None:
    if any(m.is_pix and m.email for m in methods.list_for_user(user_id)):
        raise EmailLoginAlreadyPresent()
    if not is_plausible_email(email):
        raise InvalidEmail()
    email = normalize_email(email)
    password_hash = hash_password(checked_new_password(password, confirmation))
    now = clock()
    owner = users.find_by_email(email)
    if owner is not None:
        warn_address_owner(owner.id, email, now, tokens, mailer, base_url)
        return
    secret, token = AccountToken.issue(TokenPurpose.ADD_EMAIL, now, email=email,
                                       user_id=user_id, payload={"password_hash": password_hash})
    tokens.add(token)
    mailer.send(mail.email_login_confirmation(
        email, mail.link(base_url, mail.CONFIRM_EMAIL_PATH, secret)))
