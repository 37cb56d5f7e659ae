"""The OpenID Provider's rules for an authorization request, before pyop sees it.

The plugin (``proxy/plugins/pix_backend.py``) checks first a known client and redirect URI
(else an error page, never a redirect), then :func:`refusal_of`: PKCE with S256, no
``prompt=none``, no request objects nor dynamic registration. A refusal that goes back to
the relying party is an error redirect (RFC 6749 §4.1.2.1) without personal data.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from oic.oic.message import AuthorizationErrorResponse

from kernel.oauth import AUTHORIZATION_ERROR_CODES

PKCE_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43,128}$")
UNSUPPORTED_PARAMETERS = {"request": "request_not_supported",  # request objects
                          "request_uri": "request_uri_not_supported",
                          "registration": "registration_not_supported"}  # dynamic registration

Headers = Iterable[tuple[str, str]]


@dataclass(frozen=True)
class Refusal:
    """An authorization request refused back to the relying party: OAuth error, audit reason."""

    error: str
    description: str
    reason: str


def refusal_of(params: Mapping[str, str]) -> Refusal | None:
    """Why this request (of a known client, to a registered redirect URI) is refused, if it is."""
    if params.get("code_challenge_method") != "S256" or not PKCE_CHALLENGE.match(
        params.get("code_challenge", "")
    ):
        return Refusal("invalid_request", "PKCE with code_challenge_method=S256 is required",
                       "pkce_required")
    if "none" in params.get("prompt", "").split():
        # The proxy keeps no session of its own: every login is a trip to the GAR,
        # which may show a page. prompt=none can therefore never be honoured.
        return Refusal("login_required", "the proxy cannot authenticate without interaction",
                       "prompt_none_unsupported")
    unsupported = next((p for p in UNSUPPORTED_PARAMETERS if p in params), None)
    if unsupported:  # OIDC Core §6 and §7.2.1: refused with their own error codes
        error = UNSUPPORTED_PARAMETERS[unsupported]
        return Refusal(error, f"{unsupported} is not supported", error)
    return None


def error_redirect_url(redirect_uri: str, error: str, description: str,
                       state: str | None) -> str:
    """Where the relying party learns of a refusal: its redirect URI with the OAuth error."""
    response = AuthorizationErrorResponse(  # type: ignore[no-untyped-call]  # oic: untyped
        error=error, error_description=description)
    if state:
        response["state"] = state
    separator = "&" if "?" in redirect_uri else "?"
    query = urlencode(response.to_dict())  # type: ignore[no-untyped-call]  # oic: untyped
    return f"{redirect_uri}{separator}{query}"


def oauth_error_of(headers: Headers | None) -> str | None:
    """The OAuth ``error`` code of pyop's error redirect, if it is one of the known codes."""
    location = urlsplit(dict(headers or []).get("Location", ""))
    answer = parse_qs(location.query) or parse_qs(location.fragment)  # fragment: implicit flow
    error = answer.get("error", [""])[0]
    return error if error in AUTHORIZATION_ERROR_CODES else None


def code_in(headers: Headers) -> str | None:
    """The authorization code in the redirect that answers a request, if any."""
    for name, value in headers:
        if name.lower() == "location":
            return parse_qs(urlsplit(value).query).get("code", [None])[0]
    return None


def epoch_of(instant: object) -> int:
    """A SAML AuthnInstant (``2025-01-01T10:00:00Z``) as seconds since the epoch."""
    if isinstance(instant, str | bytes) and instant:
        text = instant.decode() if isinstance(instant, bytes) else instant
        try:
            parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return int(time.time())
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.UTC)
        return int(parsed.timestamp())
    if isinstance(instant, int | float):
        return int(instant)
    return int(time.time())


def json_field(body: Any, name: str) -> Any:
    """``name`` of a JSON object body; None when the body is not one."""
    try:
        value = json.loads(body)
    except (TypeError, ValueError):
        return None
    return value.get(name) if isinstance(value, dict) else None
