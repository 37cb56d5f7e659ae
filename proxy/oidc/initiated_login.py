"""An unsolicited GAR login handed to a relying party: OpenID Connect third-party initiated
login (OIDC Core §4).

The GAR-facing service provider keeps the verified identity under a single-use handle
(``proxy/stores/unsolicited_logins.py``) and sends the browser to the relying party's
*initiate login URI* with the handle as ``login_hint``; the relying party starts a normal
code + PKCE request, and the OpenID Provider hands the hint back under :data:`LOGIN_HINT`.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlencode

from proxy.oidc.clients import RelyingParty

LOGIN_HINT = "pixgar.login_hint"
"""Context decoration under which the OP hands the ``login_hint`` of an authorization request
to the GAR-facing service provider."""


def party_for_target(parties: Iterable[RelyingParty], target: str) -> RelyingParty | None:
    """The relying party that starts logins and whose allow-list holds ``target`` (RelayState)."""
    for party in parties:
        if party.initiate_login_uri and party.accepts_target(target):
            return party
    return None


def initiate_login_url(party: RelyingParty, issuer: str, target: str, handle: str) -> str:
    """Where the browser goes to have ``party`` start the login with ``handle`` as hint."""
    query = urlencode({"iss": issuer, "target_link_uri": target, "login_hint": handle})
    return f"{party.initiate_login_uri}?{query}"
