"""Client authentication at the token endpoint: ``client_secret_basic`` or
``client_secret_post``, exactly one, compared in constant time against every secret a
relying party accepts (several while one rotates)."""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Mapping
from urllib.parse import quote, unquote

from proxy.oidc.clients import RelyingParty


class ClientAuthenticationFailed(Exception):
    """The token request's client authentication is missing, malformed or wrong."""


def authenticate_client(parties: Mapping[str, RelyingParty], params: Mapping[str, str],
                        authorization: str | None) -> tuple[str, str]:
    """The client id and the primary secret pyop knows, or :class:`ClientAuthenticationFailed`."""
    if authorization:
        if "client_secret" in params:
            raise ClientAuthenticationFailed("two authentication methods")
        client_id, secret = _basic_credentials(authorization)
        if params.get("client_id", client_id) != client_id:
            raise ClientAuthenticationFailed("two client ids")
    else:
        client_id, posted = params.get("client_id", ""), params.get("client_secret")
        if posted is None:
            raise ClientAuthenticationFailed("no authentication")
        secret = posted
    party = parties.get(client_id)
    # every accepted secret (several while one rotates) is compared: no early exit
    expected = [s.reveal() for s in party.accepted_secrets] if party else ["\0" * 32]
    matches = [hmac.compare_digest(secret.encode("utf-8"), e.encode("utf-8"))
               for e in expected]
    if party is None or not any(matches) or not secret:
        raise ClientAuthenticationFailed("wrong credentials")
    return client_id, party.secret.reveal()  # pyop knows the primary secret only


def _basic_credentials(authorization: str) -> tuple[str, str]:
    scheme, _, credentials = authorization.strip().partition(" ")
    if scheme.lower() != "basic":
        raise ClientAuthenticationFailed("scheme")
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as error:
        raise ClientAuthenticationFailed("encoding") from error
    raw_id, separator, raw_secret = decoded.partition(":")
    if not separator:
        raise ClientAuthenticationFailed("encoding")
    return unquote(raw_id), unquote(raw_secret)


def basic_authorization(client_id: str, secret: str) -> str:
    """The ``Authorization`` header of ``client_secret_basic`` (RFC 6749 §2.3.1)."""
    pair = f"{quote(client_id, safe='')}:{quote(secret, safe='')}"
    return "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")
