"""A pupil who left a GAR school gets the account back without the ENT: INE, names, birth
date and a new e-mail address. When they match, for sure, a roster learner tied to an
account (in any school), a single-use link (1 hour) to choose a password is mailed to
that address; the account then logs in with it.

Every refusal is one of two clear messages: the form is incomplete
(``RecoveryFormInvalid``), or nothing matches (``RecoveryNoMatch``: the same whether the
INE is unknown, the names or the date differ, or the learner has no account). An address
that already opens another account gets a mail saying so, and the pupil the same page as
on success: nothing about other accounts leaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from kernel.clock import Clock
from pix_core.accounts.domain import mail
from pix_core.accounts.domain.mail import Mailer
from pix_core.accounts.domain.repositories import AccountTokenRepository, UserRepository
from pix_core.accounts.domain.tokens import AccountToken, TokenPurpose
from pix_core.accounts.domain.users import is_plausible_email, normalize_email
from pix_core.accounts.usecases.warn_address_owner import warn_address_owner
from pix_core.orga.domain.errors import RecoveryFormInvalid, RecoveryNoMatch
from pix_core.orga.domain.learners import LearnerLinkRepository
from roster.domain.matching import MatchStatus, find_learner

INE_PATTERN = re.compile(r"^[0-9A-Z]{11}$")


@dataclass(frozen=True)
class RecoveryRequest:
    ine: str
    first_name: str
    last_name: str
    birthdate: date | None
    email: str

    def __repr__(self) -> str:
        return "RecoveryRequest(<redacted>)"


def request_account_recovery(form: RecoveryRequest, learners: LearnerLinkRepository,
                             users: UserRepository, tokens: AccountTokenRepository,
                             mailer: Mailer, clock: Clock, base_url: str) -> None:
    ine = form.ine.strip().upper()
    if (not INE_PATTERN.match(ine) or form.birthdate is None or not form.first_name.strip()
            or not form.last_name.strip()):
        raise RecoveryFormInvalid()
    if not is_plausible_email(form.email):
        raise RecoveryFormInvalid("email")
    entries = learners.tied_entries_for_ine(ine)
    outcome = find_learner([entry for entry, _ in entries], form.first_name, form.last_name,
                           birthdate=form.birthdate)
    owners = {entry.learner_id: user_id for entry, user_id in entries}
    user_id = owners.get(outcome.entry.learner_id) if outcome.entry else None
    if outcome.status is not MatchStatus.MATCHED or user_id is None:
        raise RecoveryNoMatch()
    email, now = normalize_email(form.email), clock()
    holder = users.find_by_email(email)
    if holder is not None and holder.id != user_id:
        warn_address_owner(holder.id, email, now, tokens, mailer, base_url)
        return
    secret, token = AccountToken.issue(TokenPurpose.RECOVER, now, email=email, user_id=user_id)
    tokens.add(token)
    mailer.send(mail.account_recovery(email, mail.link(base_url, mail.RECOVER_PATH, secret)))
