"""Identities from verified unsolicited responses, waiting for the relying party to ask for them.

The browser carries a random single-use handle (as the OIDC ``login_hint``) from the
unsolicited response to the relying party's initiate-login URI and back to the OP.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from typing import Any

import redis
from cryptography.fernet import Fernet, InvalidToken

from proxy.stores.connection import hashed, tagged

PREFIX = "pixgar:unsolicited-login:"


def _cipher(handle: str) -> Fernet:
    digest = hashlib.sha256(b"pixgar unsolicited login\n" + handle.encode("ascii")).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


class UnsolicitedLogins:
    """Single-use handles with a short lifetime.

    Redis holds only the handle's hash as key and the identity encrypted with a key derived
    from the handle, so nothing in Redis reveals who is logging in.
    """

    def __init__(self, client: redis.Redis, ttl_seconds: int) -> None:
        self._redis = client
        self._ttl = ttl_seconds

    def put(self, identity: dict[str, Any]) -> str:
        """Store ``identity`` and return the handle that redeems it once."""
        handle = secrets.token_urlsafe(32)
        token = _cipher(handle).encrypt(json.dumps(identity).encode("utf-8"))
        self._redis.set(tagged(PREFIX, hashed(handle)), token, ex=self._ttl)
        return handle

    def take(self, handle: str) -> dict[str, Any] | None:
        """Redeem ``handle`` (atomically, once); None when unknown, used or expired."""
        token = self._redis.getdel(tagged(PREFIX, hashed(handle)))
        if token is None:
            return None
        try:
            identity: dict[str, Any] = json.loads(_cipher(handle).decrypt(token))
            return identity
        except InvalidToken:
            return None
