"""Someone creates a Pix account with an e-mail address and a password.

Nothing is created until the address is confirmed: a token is mailed. When the address
already opens an account, that account's owner gets a mail instead (with a link to choose
a new password): the visitor sees the same page and the request costs the same (one
password hash, one token written, one mail queued), so nobody learns which addresses
have an account.
"""

from __future__ import annotations

from dataclasses import dataclass

from kernel.clock import Clock
from pix_core.accounts.domain import mail
from pix_core.accounts.domain.errors import InvalidEmail, NamesRequired
from pix_core.accounts.domain.mail import Mailer
from pix_core.accounts.domain.passwords import hash_password
from pix_core.accounts.domain.repositories import AccountTokenRepository, UserRepository
from pix_core.accounts.domain.tokens import AccountToken, TokenPurpose
from pix_core.accounts.domain.users import is_plausible_email, normalize_email
from pix_core.accounts.usecases.choose_password import checked_new_password
from pix_core.accounts.usecases.warn_address_owner import warn_address_owner

MAX_NAME_LENGTH = 255


@dataclass(frozen=True)
class SignUp:
    first_name: str
    last_name: str
    email: str
    password: str
    confirmation: str

    def __repr__(self) -> str:
        return "SignUp(<redacted>)"


def sign_up(form: SignUp, users: UserRepository, tokens: AccountTokenRepository,
            mailer: Mailer, clock: Clock, base_url: str) -> None:
    first, last = form.first_name.strip(), form.last_name.strip()
    if not first or not last or max(len(first), len(last)) > MAX_NAME_LENGTH:
        raise NamesRequired()
    if not is_plausible_email(form.email):
        raise InvalidEmail()
    email = normalize_email(form.email)
    password_hash = hash_password(checked_new_password(form.password, form.confirmation))
    now = clock()
    owner = users.find_by_email(email)
    if owner is not None:
        warn_address_owner(owner.id, email, now, tokens, mailer, base_url)
        return
    secret, token = AccountToken.issue(
        TokenPurpose.SIGN_UP, now, email=email,
        payload={"first_name": first, "last_name": last, "password_hash": password_hash})
    tokens.add(token)
    mailer.send(mail.sign_up_confirmation(
        email, mail.link(base_url, mail.CONFIRM_SIGN_UP_PATH, secret)))
