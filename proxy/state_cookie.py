"""An authenticated wrapper around SATOSA's state cookie.

SATOSA encrypts its state cookie with AES-CBC and no MAC, and a cookie that does not
decrypt silently becomes an empty state: a tampered cookie is neither detected nor
logged. The proxy therefore seals the value SATOSA writes with HMAC-SHA256 under a key
derived from ``PROXY_STATE_KEY`` (a different key from the encryption key), and checks
the seal before SATOSA reads the cookie. A cookie with a broken seal is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from http.cookies import CookieError, SimpleCookie

VERSION = "v1"
_SEPARATOR = "."


class TamperedStateCookie(Exception):
    """The state cookie is present but its seal does not verify."""


def mac_key(state_key: str) -> bytes:
    """The MAC key: HMAC-SHA256(state key, label), never the encryption key itself."""
    return hmac.new(state_key.encode("utf-8"), b"pixgar state cookie mac v1",
                    hashlib.sha256).digest()


def _tag(key: bytes, name: str, value: str) -> str:
    message = f"{VERSION}|{name}|{value}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def seal(key: bytes, name: str, value: str) -> str:
    """``value`` (SATOSA's encrypted state) with its version and MAC; empty stays empty."""
    if not value:
        return value
    return f"{VERSION}{_SEPARATOR}{_tag(key, name, value)}{_SEPARATOR}{value}"


def unseal(key: bytes, name: str, sealed: str) -> str:
    """The value inside ``sealed``; raises :class:`TamperedStateCookie` if the MAC fails."""
    if not sealed:
        return sealed
    version, _, rest = sealed.partition(_SEPARATOR)
    tag, _, value = rest.partition(_SEPARATOR)
    if version != VERSION or not value:
        raise TamperedStateCookie("format")
    if not hmac.compare_digest(tag.encode("ascii", "replace"),
                               _tag(key, name, value).encode("ascii")):
        raise TamperedStateCookie("mac")
    return value


def unseal_cookie_header(key: bytes, name: str, header: str) -> str:
    """The Cookie header with the state cookie unsealed (other cookies untouched)."""
    if not header or name not in header:
        return header
    try:
        jar = SimpleCookie(header)
    except CookieError as error:
        raise TamperedStateCookie("cookie_header") from error
    if name not in jar:
        # the name appears but does not parse as a cookie: refuse rather than guess
        if f"{name}=" in header:
            raise TamperedStateCookie("cookie_header")
        return header
    jar[name] = unseal(key, name, jar[name].value)
    return jar.output(attrs=[], header="", sep=";").strip()


def seal_set_cookie_headers(key: bytes, name: str, headers: list) -> list:
    """Response headers with SATOSA's ``Set-Cookie`` for the state sealed."""
    sealed = []
    for header, value in headers:
        if header.lower() == "set-cookie" and value.startswith(f"{name}="):
            jar = SimpleCookie()
            jar.load(value)
            morsel = jar[name]
            jar[name] = seal(key, name, morsel.value)
            for attribute, setting in morsel.items():
                if setting:
                    jar[name][attribute] = setting
            value = jar.output(header="").strip()
        sealed.append((header, value))
    return sealed
