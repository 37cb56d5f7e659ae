"""Values sealed before they reach Redis: AES-256-GCM under a key derived from the state key.

What the OpenID Provider keeps in Redis (the userinfo claims: names, classes, INE on a sure
roster match; the authorization request behind each code and access token) is sealed, so a
Redis dump, a replica or a ``MONITOR`` shows no pupil. The key is derived from
``PROXY_STATE_KEY`` (HMAC-SHA256 with its own label, as the state cookie's is), and the
Redis key is the associated data: a value moved under another key does not open.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = b"s1."
_NONCE_BYTES = 12


class BrokenSeal(Exception):
    """A value in Redis that this proxy did not seal under this key, or that was changed."""


class Seal:
    """Seal and open byte strings bound to the Redis key they are stored under."""

    def __init__(self, state_key: str) -> None:
        derived = hmac.new(state_key.encode("utf-8"), b"pixgar redis values aes-gcm v1",
                           hashlib.sha256).digest()
        self._aead = AESGCM(derived)

    def seal(self, key: str, plain: bytes) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return VERSION + nonce + self._aead.encrypt(nonce, plain, key.encode("utf-8"))

    def open(self, key: str, sealed: bytes) -> bytes:
        if not sealed.startswith(VERSION):
            raise BrokenSeal("version")
        body = sealed[len(VERSION):]
        try:
            return self._aead.decrypt(body[:_NONCE_BYTES], body[_NONCE_BYTES:],
                                      key.encode("utf-8"))
        except InvalidTag:
            raise BrokenSeal("tag") from None
