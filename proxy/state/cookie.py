"""The proxy's state cookie: SATOSA's state as JSON, compressed, sealed with AES-256-GCM.

SATOSA's own cookie is AES-CBC without a MAC (a cookie that does not decrypt silently
becomes an empty state: tampering is neither detected nor logged) and is built with two
LZMA compressors per answer, ~19 ms each time. This codec replaces it: authenticated
encryption (any change is refused and logged), bound to the cookie's name, under a key
derived from ``PROXY_STATE_KEY``, in well under a millisecond.

Format: ``v2.`` + base64url(nonce 12 bytes ‖ AES-GCM(zlib(JSON))). Cookies of another
version (SATOSA's, or this proxy's earlier HMAC-sealed ``v1``) are refused like forgeries;
a login in progress during the upgrade restarts from the ENT.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import zlib
from http.cookies import CookieError, SimpleCookie
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = "v2"
_PREFIX = VERSION + "."
_NONCE_BYTES = 12
MAX_STATE_BYTES = 64 * 1024  # decompressed; defence in depth: only sealed cookies get there


class TamperedStateCookie(Exception):
    """The state cookie is present but is not one this proxy sealed, unchanged."""


class StateCookieCodec:
    """Seal and open the state dictionary under a key derived from the state key."""

    def __init__(self, state_key: str) -> None:
        derived = hmac.new(state_key.encode("utf-8"), b"pixgar state cookie aes-gcm v2",
                           hashlib.sha256).digest()
        self._aead = AESGCM(derived)

    def seal(self, name: str, data: dict[str, Any]) -> str:
        """The cookie value holding ``data``, readable only by :meth:`open` with ``name``."""
        nonce = os.urandom(_NONCE_BYTES)
        plain = zlib.compress(json.dumps(data, separators=(",", ":")).encode("utf-8"))
        sealed = nonce + self._aead.encrypt(nonce, plain, _aad(name))
        return _PREFIX + base64.urlsafe_b64encode(sealed).rstrip(b"=").decode("ascii")

    def open(self, name: str, value: str) -> dict[str, Any]:
        """The state inside ``value``; raises :class:`TamperedStateCookie` on any change."""
        if not value.startswith(_PREFIX):
            raise TamperedStateCookie("version")
        encoded = value[len(_PREFIX):]
        try:
            raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except (binascii.Error, ValueError):
            raise TamperedStateCookie("encoding") from None
        if base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") != encoded:
            raise TamperedStateCookie("encoding")  # base64's spare bits changed: same bytes
        if len(raw) <= _NONCE_BYTES:
            raise TamperedStateCookie("length")
        try:
            plain = self._aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _aad(name))
        except InvalidTag:
            raise TamperedStateCookie("tag") from None
        data = json.loads(_inflate(plain))  # authentic from here on: our own JSON
        if not isinstance(data, dict):
            raise TamperedStateCookie("shape")
        return data


def state_cookie_value(header: str, name: str) -> str | None:
    """The value of cookie ``name`` in a ``Cookie`` header, or None when it is absent.

    A header where the name appears but does not parse is refused rather than guessed at.
    """
    if not header or name not in header:
        return None
    try:
        jar = SimpleCookie(header)
    except CookieError as error:
        raise TamperedStateCookie("cookie_header") from error
    if name not in jar:
        if f"{name}=" in header:
            raise TamperedStateCookie("cookie_header")
        return None
    return jar[name].value or None


def set_cookie_header(name: str, value: str, *, max_age: int, delete: bool = False
                      ) -> tuple[str, str]:
    """The ``Set-Cookie`` header of the state: HttpOnly, Secure, SameSite=None (the GAR
    POSTs to the ACS cross-site), path ``/``; ``delete`` expires it."""
    jar: SimpleCookie = SimpleCookie()
    jar[name] = "" if delete else value
    morsel = jar[name]
    morsel["path"] = "/"
    morsel["secure"] = True
    morsel["httponly"] = True
    morsel["samesite"] = "None"
    morsel["max-age"] = 0 if delete else max_age
    return "Set-Cookie", morsel.OutputString()


def _aad(name: str) -> bytes:
    return f"{VERSION}|{name}".encode()


def _inflate(plain: bytes) -> bytes:
    inflater = zlib.decompressobj()
    data = inflater.decompress(plain, MAX_STATE_BYTES)
    if inflater.unconsumed_tail:
        raise TamperedStateCookie("too_large")
    return data
