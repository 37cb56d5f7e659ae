"""The codes of a certification session and of a certificate, all from ``secrets``.

- access code: 4 letters from ``BCDFGHJKMPQRTVWXY`` + 2 digits from ``2346789`` (no vowel,
  so no word; no letter or digit that reads like another): 17^4 × 7^2 ≈ 4.1 million codes;
- supervisor password: 5 characters from an unambiguous alphabet (32^5 ≈ 33.5 million);
- verification code of a certificate: ``P-`` + 8 characters of the same alphabet
  (32^8 ≈ 1.1e12).

Guessing any of them is rate-limited (the rules below, applied by the pages).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import timedelta

from pix_core.shared.domain.rate_limit import ATTEMPT_WINDOW, RateLimitRule

ACCESS_CODE_LETTERS = "BCDFGHJKMPQRTVWXY"
ACCESS_CODE_DIGITS = "2346789"
SAFE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
SUPERVISOR_PASSWORD_LENGTH = 5
VERIFICATION_PREFIX = "P-"
VERIFICATION_LENGTH = 8
MAX_CODE_ATTEMPTS = 20

_ACCESS_CODE = re.compile(f"^[{ACCESS_CODE_LETTERS}]{{4}}[{ACCESS_CODE_DIGITS}]{{2}}$")
_VERIFICATION = re.compile(f"^P-[{SAFE_ALPHABET}]{{{VERIFICATION_LENGTH}}}$")

Choice = Callable[[str], str]


def generate_access_code(choice: Choice = secrets.choice) -> str:
    return "".join(choice(ACCESS_CODE_LETTERS) for _ in range(4)) + "".join(
        choice(ACCESS_CODE_DIGITS) for _ in range(2))


def generate_supervisor_password(choice: Choice = secrets.choice) -> str:
    return "".join(choice(SAFE_ALPHABET) for _ in range(SUPERVISOR_PASSWORD_LENGTH))


def generate_verification_code(choice: Choice = secrets.choice) -> str:
    return VERIFICATION_PREFIX + "".join(
        choice(SAFE_ALPHABET) for _ in range(VERIFICATION_LENGTH))


def normalize_code(code: str) -> str:
    """What people type: spaces dropped, upper case; at most 32 characters kept."""
    return "".join(code.split()).upper()[:32]


def is_valid_access_code(code: str) -> bool:
    return bool(_ACCESS_CODE.match(code))


def is_valid_verification_code(code: str) -> bool:
    return bool(_VERIFICATION.match(code))


ACCESS_CODE_PER_USER = RateLimitRule("certification_access_user", 10, ATTEMPT_WINDOW)
"""Access codes and identities typed by a logged-in pupil."""
SUPERVISOR_PER_CLIENT = RateLimitRule("certification_supervisor_ip", 10, ATTEMPT_WINDOW)
"""Supervisor logins (session number + password), per client address."""
VERIFICATION_PER_CLIENT = RateLimitRule("certificate_verification_ip", 30, ATTEMPT_WINDOW)
"""Certificate checks on the public page, per client address."""

SUPERVISOR_SESSION_LIFETIME = timedelta(hours=4)
"""The supervisor's own session (one room, one sitting): short-lived."""
