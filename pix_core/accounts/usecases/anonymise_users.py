"""Erase the people behind accounts, keep anonymous statistics (``pixgar users anonymise``).

Names and e-mails are removed, every login method goes (so the GAR pseudonyms and the
passwords), with the sessions, mailed links and roster ties; assessments, answers and
participations stay, tied to an account that names no one. The proxy's pseudonym records
of the GAR logins are deleted first (``GarPseudonyms``, another database): if what follows
fails, running it again finishes the job. One audit line, without any identifier.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kernel.clock import Clock
from pix_core.accounts.domain.errors import UserNotFound
from pix_core.accounts.domain.repositories import GarPseudonyms, PersonalData


@dataclass(frozen=True)
class Anonymised:
    user_ids: set[int]
    gar_logins: int = 0
    proxy_records: int = 0
    detail: dict[str, int] = field(default_factory=dict)


def anonymise_users(user_ids: set[int], personal_data: PersonalData, pseudonyms: GarPseudonyms,
                    clock: Clock, action: str = "anonymise") -> Anonymised:
    """``UserNotFound`` (nothing done) if one of the ids is not an account."""
    if not user_ids or personal_data.existing(user_ids) != user_ids:
        raise UserNotFound("unknown_user_id")
    subjects = personal_data.gar_subjects(user_ids)
    forgotten = pseudonyms.forget(subjects)
    now = clock()
    personal_data.anonymise(user_ids, now)
    personal_data.audit(action, len(user_ids), now, gar_logins=len(subjects),
                        proxy_records=forgotten)
    return Anonymised(set(user_ids), len(subjects), forgotten)
