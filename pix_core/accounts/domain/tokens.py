"""Single-use, time-limited links sent by mail (confirmation, password reset, recovery).

The link carries a random token (256 bits); only its SHA-256 is stored, so a database
dump opens no account. A token is good for one use before ``expires_at``; what it allows
is its ``purpose``, and ``payload`` holds what the action needs (never a clear password).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any


class TokenPurpose(StrEnum):
    SIGN_UP = "sign_up"  # payload: names, password hash; the account is created on use
    ADD_EMAIL = "add_email"  # user_id: the account; payload: password hash
    RESET_PASSWORD = "reset_password"  # noqa: S105 (user_id: the account)
    RECOVER = "recover"  # user_id: the pupil's account; email: the new address


LIFETIMES = {
    TokenPurpose.SIGN_UP: timedelta(hours=24),
    TokenPurpose.ADD_EMAIL: timedelta(hours=24),
    TokenPurpose.RESET_PASSWORD: timedelta(hours=1),
    TokenPurpose.RECOVER: timedelta(hours=1),
}


@dataclass(frozen=True)
class AccountToken:
    id: int | None
    purpose: TokenPurpose
    token_hash: str
    email: str | None
    user_id: int | None
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    payload: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def issue(cls, purpose: TokenPurpose, now: datetime, *, email: str | None = None,
              user_id: int | None = None, payload: dict[str, Any] | None = None
              ) -> tuple[str, AccountToken]:
        """A new token: the secret for the link, and the record to store."""
        secret = secrets.token_urlsafe(32)
        return secret, cls(None, purpose, hash_token(secret), email, user_id, now,
                           now + LIFETIMES[purpose], payload=dict(payload or {}))

    def usable_for(self, purpose: TokenPurpose, now: datetime) -> bool:
        return self.purpose is purpose and self.used_at is None and now < self.expires_at

    def used(self, now: datetime) -> AccountToken:
        return replace(self, used_at=now)

    def __repr__(self) -> str:
        return f"AccountToken(id={self.id!r}, purpose={self.purpose.value})"


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
