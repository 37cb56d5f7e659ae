"""Retention: GAR accounts nobody used for ``years`` years are anonymised
(``pixgar users purge``). A dry run finds them and changes nothing but the audit."""

from __future__ import annotations

from datetime import timedelta

from kernel.clock import Clock
from pix_core.accounts.domain.repositories import GarPseudonyms, PersonalData
from pix_core.accounts.usecases.anonymise_users import Anonymised, anonymise_users

DAYS_PER_YEAR = 365.25


def purge_unused_accounts(years: int, personal_data: PersonalData, pseudonyms: GarPseudonyms,
                          clock: Clock, dry_run: bool = False) -> Anonymised:
    if years < 1:
        raise ValueError("the retention is at least one year")
    now = clock()
    unused = personal_data.gar_only_unused_since(now - timedelta(days=years * DAYS_PER_YEAR))
    if dry_run or not unused:
        personal_data.audit("purge_dry_run" if dry_run else "purge", len(unused) if dry_run
                            else 0, now, unused_years=years)
        return Anonymised(unused)
    return anonymise_users(unused, personal_data, pseudonyms, clock, action="purge")
