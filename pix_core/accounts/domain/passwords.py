"""Password hashing with scrypt (``hashlib``): a random salt per password, constant-time check.

Stored form: ``scrypt$<n>$<r>$<p>$<salt b64>$<hash b64>``, so the cost can grow later
without invalidating older hashes: a login with a hash made under other parameters
rewrites it with the current ones (``needs_rehash``, docs/accounts.md).

Parameters (RFC 7914): N=2^14, r=8, p=1, 16-byte salt, 32-byte key: 16 MiB of memory
per hash (128·N·r bytes), the interactive-login setting of scrypt's paper; about 60 ms
of one idle core. Raising N (OWASP suggests 2^17 where memory allows) needs only this
constant: each account moves to it at its next login. A wrong e-mail costs the same
derivation as a wrong password (``verify_password`` with no hash): timing tells nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SCHEME = "scrypt"
N, R, P = 2**14, 8, 1
SALT_BYTES = 16
KEY_BYTES = 32
MAX_MEMORY = 256 * 2**20  # room to verify hashes made with up to N=2^17
MAX_PASSWORD_LENGTH = 1024
MIN_PASSWORD_LENGTH = 8


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=KEY_BYTES, maxmem=MAX_MEMORY
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    """Hash ``password`` with a fresh random salt."""
    if not password or len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError("a password must be 1 to 1024 characters long")
    salt = secrets.token_bytes(SALT_BYTES)
    return f"{SCHEME}${N}${R}${P}${_b64(salt)}${_b64(_derive(password, salt, N, R, P))}"


def verify_password(password: str, stored: str | None) -> bool:
    """True when ``password`` matches ``stored``; a missing hash still costs one derivation."""
    try:
        scheme, n, r, p, salt, expected = (stored or "").split("$")
        if scheme != SCHEME:
            raise ValueError(scheme)
        cost = (int(n), int(r), int(p))
        salt_bytes, expected_bytes = base64.b64decode(salt), base64.b64decode(expected)
    except ValueError:
        _derive(password[:MAX_PASSWORD_LENGTH], b"\0" * SALT_BYTES, N, R, P)  # same cost
        return False
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    actual = _derive(password, salt_bytes, *cost)
    return hmac.compare_digest(actual, expected_bytes)


def needs_rehash(stored: str | None) -> bool:
    """True when ``stored`` was not made with today's scheme and parameters."""
    parts = (stored or "").split("$")
    return len(parts) != 6 or parts[:4] != [SCHEME, str(N), str(R), str(P)]


def is_acceptable_new_password(password: str) -> bool:
    """A new password: 8 to 1024 characters, not only letters nor only digits."""
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        return False
    return not (password.isalpha() or password.isdigit())


def generate_temporary_password() -> str:
    """A random password handed to a new administrator once (about 96 bits)."""
    return secrets.token_urlsafe(12)
