"""Usernames and one-time passwords for pupils without e-mail (generated in Pix Orga).

A username is ``first.last`` (lower case, no accents, letters and digits only) followed by
the day and month of birth (``ddmm``): ``lea.lefevre1403``; when taken, ``2``, ``3``, ...
is added (``lea.lefevre14032``). The one-time password is 10 characters from an alphabet
without look-alikes (no 0/O, 1/l/I), to copy from paper; it must be replaced at the first
login.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date

from roster.domain.matching import normalize_name

ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
ONE_TIME_LENGTH = 10
MAX_BASE_LENGTH = 60


def base_username(first_name: str, last_name: str, birthdate: date | None) -> str:
    first = normalize_name(first_name.split()[0] if first_name.split() else "") or "eleve"
    last = normalize_name(last_name) or "pix"
    suffix = birthdate.strftime("%d%m") if birthdate else ""
    return f"{first}.{last}"[:MAX_BASE_LENGTH] + suffix


def unique_username(base: str, taken: Callable[[str], bool]) -> str:
    """``base``, or ``base2``, ``base3``... the first that ``taken`` says is free."""
    candidate, n = base, 1
    while taken(candidate):
        n += 1
        candidate = f"{base}{n}"
    return candidate


def one_time_password() -> str:
    """Letters and at least two digits (so it also passes the rule of chosen passwords)."""
    while True:
        password = "".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(ONE_TIME_LENGTH))
        if sum(c.isdigit() for c in password) >= 2 and not password.isdigit():
            return password
