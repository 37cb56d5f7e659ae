"""``pixgar users anonymise --user ID…`` and ``pixgar users purge [--unused-years N] [--dry-run]``.

Both erase people and keep anonymous statistics (``accounts/usecases/anonymise_users.py``):
in pix_core, names, e-mails, login methods (passwords, GAR pseudonyms), sessions, links,
roster ties and memberships; in the proxy, the pseudonym records of their GAR logins
(``proxy/stores/pseudonyms.py``), found by recomputing each recorded subject's pairwise
``sub`` for pix_core's client. Purge takes GAR-only accounts not used for N years
(``--unused-years``, else ``PIX_RETENTION_YEARS``); ``--dry-run`` prints what it would do.
Each run prints one JSON audit line and stores it (``account_audit``): action, time,
counts; never a name, an address or an identifier. Exit 0 done, 2 bad input (unknown id,
no retention), 3 schema not ready.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime

from pyop.subject_identifier import HashBasedSubjectIdentifierFactory

from kernel.sql.engine import make_engine
from pix_core.accounts.domain.errors import UserNotFound
from pix_core.accounts.usecases.anonymise_users import Anonymised, anonymise_users
from pix_core.accounts.usecases.purge_unused_accounts import purge_unused_accounts
from pix_core.database.unit_of_work import unit_of_work_factory
from pix_core.settings import database_url_from_env
from pixgar.schema import require_pix_schema
from proxy.keys.files import load_keys
from proxy.settings import ProxySettings
from proxy.stores.database import database_engine
from proxy.stores.pseudonyms import delete_subject_records, recorded_subjects

RETENTION_VARIABLE = "PIX_RETENTION_YEARS"


def _now() -> datetime:
    return datetime.now(UTC)


def proxy_subjects_for(pairwise_subs: set[str]) -> tuple[ProxySettings, set[str]]:
    """The proxy's subjects whose pairwise ``sub`` for pix_core's client is one of these."""
    settings = ProxySettings.from_env()
    if not pairwise_subs:
        return settings, set()
    salt = load_keys(settings).sub_salt.reveal()
    client = os.environ.get("PIX_CLIENT_ID") or "pix"
    factory = HashBasedSubjectIdentifierFactory(salt)
    sector = f"{client}.sector.pixgar.invalid"  # proxy/clients.py: sector_identifier_uri
    engine = database_engine(settings.roster_database_url)
    return settings, {subject for subject in recorded_subjects(engine)
                      if factory.create_pairwise_identifier(subject, sector) in pairwise_subs}


class ProxyPseudonyms:
    """``GarPseudonyms`` over the proxy's database (its own transaction, committed at once)."""

    def forget(self, pairwise_subs: set[str]) -> int:
        settings, subjects = proxy_subjects_for(pairwise_subs)
        return delete_subject_records(database_engine(settings.roster_database_url), subjects)


def _audit_line(action: str, done: Anonymised, **extra: object) -> None:
    print(json.dumps({"audit": action, "at": _now().isoformat(), "accounts": len(done.user_ids),
                      "gar_logins": done.gar_logins, "proxy_lookups_deleted":
                      done.proxy_records, **extra}))


def run_anonymise(args: argparse.Namespace) -> int:
    database_url = database_url_from_env()
    require_pix_schema(database_url)
    engine = make_engine(database_url)
    try:
        with unit_of_work_factory(engine)() as uow:
            done = anonymise_users(set(args.user), uow.personal_data, ProxyPseudonyms(), _now)
            uow.commit()
    except UserNotFound:
        print("pixgar: no account has one of these ids: nothing was changed", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    _audit_line("anonymise", done)
    return 0


def run_purge(args: argparse.Namespace) -> int:
    years = args.unused_years or int(os.environ.get(RETENTION_VARIABLE) or 0)
    if years < 1:
        print(f"pixgar: give --unused-years N or set {RETENTION_VARIABLE} (N ≥ 1)",
              file=sys.stderr)
        return 2
    database_url = database_url_from_env()
    require_pix_schema(database_url)
    engine = make_engine(database_url)
    try:
        with unit_of_work_factory(engine)() as uow:
            done = purge_unused_accounts(years, uow.personal_data, ProxyPseudonyms(), _now,
                                         dry_run=args.dry_run)
            uow.commit()
    finally:
        engine.dispose()
    if args.dry_run:
        print(f"dry run: {len(done.user_ids)} GAR account(s) unused for {years} year(s) "
              f"would be anonymised: ids {sorted(done.user_ids)}")
    _audit_line("purge_dry_run" if args.dry_run else "purge", done, unused_years=years)
    return 0


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    users = commands.add_parser("users", help="personal data: anonymise, purge").add_subparsers(
        dest="action", required=True)
    anonymise = users.add_parser("anonymise", help="erase people, keep anonymous statistics")
    anonymise.add_argument("--user", type=int, nargs="+", required=True, metavar="ID")
    anonymise.set_defaults(run=run_anonymise)
    purge = users.add_parser("purge", help="anonymise GAR accounts unused for N years")
    purge.add_argument("--unused-years", type=int, default=None, metavar="N")
    purge.add_argument("--dry-run", action="store_true", help="print, change nothing")
    purge.set_defaults(run=run_purge)
