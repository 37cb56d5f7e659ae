"""The proxy's OpenID Provider facing Pix.

Naming: this project names plugin files after the party they face. This file faces Pix
(pix_core and any other relying party), so it holds what SATOSA calls a *frontend*
module, :class:`PixOpenIDProvider`, built on pyop. Its counterpart ``gar_frontend.py``
holds the SAML service provider facing the GAR, a SATOSA *backend* module.

What it adds to SATOSA's stock ``OpenIDConnectFrontend``:
- relying parties declared in one YAML file (``OIDC_CLIENTS_FILE``);
- an unknown client or redirect URI gets an error page, never a redirect;
- PKCE with S256 required on every authorization request (``plain`` refused);
- an authorization code redeemed at most once, atomically across workers;
- user claims kept in Redis only as long as the access token that reads them;
- error descriptions sent back to relying parties carry no personal data.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlencode

from oic.oic.message import AuthorizationErrorResponse, TokenErrorResponse
from pyop.storage import StorageBase
from pyop.userinfo import Userinfo
from satosa.frontends.openid_connect import (
    OpenIDConnectFrontend,
    combine_select_first_value,
    combine_values_by_claim,
)
from satosa.response import BadRequest, SeeOther

from proxy.clients import RelyingParty
from proxy.errors import OidcRequestRejected
from proxy.plugins.gar_frontend import LOGIN_HINT
from proxy.stores.connection import hashed, redis_client

logger = logging.getLogger(__name__)

SINGLE_VALUED_CLAIMS = ("siecle_match", "siecle_uai", "siecle_ine", "siecle_class")
# SATOSA keeps how each claim's values combine in a module-level table; ours are single.
combine_values_by_claim.update({name: combine_select_first_value for name in SINGLE_VALUED_CLAIMS})

_PKCE_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43,128}$")
REDEEMED_CODE_PREFIX = "pixgar:redeemed-code:"


class PixOpenIDProvider(OpenIDConnectFrontend):
    """SATOSA frontend module: the OpenID Provider pix_core logs in with."""

    def __init__(self, auth_req_callback_func, internal_attributes, conf, base_url, name):
        super().__init__(auth_req_callback_func, internal_attributes, conf, base_url, name)
        self.relying_parties = {
            entry["client_id"]: RelyingParty.from_config(entry) for entry in conf["relying_parties"]
        }
        self.provider.clients = {
            cid: party.as_pyop_client() for cid, party in self.relying_parties.items()
        }
        provider_config = conf["provider"]
        info = self.provider.configuration_information
        info["code_challenge_methods_supported"] = ["S256"]
        info["token_endpoint_auth_methods_supported"] = ["client_secret_basic",
                                                         "client_secret_post"]
        info["response_modes_supported"] = ["query"]
        info["grant_types_supported"] = ["authorization_code"]  # pyop's default adds implicit
        claims_ttl = int(provider_config.get("access_token_lifetime", 3600))
        self.user_db = StorageBase.from_uri(conf["db_uri"], db_name="satosa",
                                            collection="userinfo", ttl=claims_ttl)
        self.provider.userinfo = Userinfo(self.user_db)
        self._redis = redis_client(conf["db_uri"])
        self._code_ttl = int(provider_config.get("authorization_code_lifetime", 600))

    def handle_authn_request(self, context):
        """Check client, redirect URI and PKCE before SATOSA/pyop see the request."""
        params = context.request or {}
        party = self.relying_parties.get(params.get("client_id", ""))
        redirect_uri = params.get("redirect_uri", "")
        if party is None or redirect_uri not in party.redirect_uris:
            raise OidcRequestRejected("unknown_client_or_redirect_uri")
        if params.get("code_challenge_method") != "S256" or not _PKCE_CHALLENGE.match(
            params.get("code_challenge", "")
        ):
            return _error_redirect(redirect_uri, "invalid_request",
                                   "PKCE with code_challenge_method=S256 is required",
                                   params.get("state"))
        if params.get("login_hint"):
            context.decorate(LOGIN_HINT, params["login_hint"])
        return super().handle_authn_request(context)

    def handle_backend_error(self, exception):
        """Tell the relying party the login failed, without the internal reason."""
        auth_req = self._get_authn_request_from_state(exception.state)
        return _error_redirect(auth_req["redirect_uri"], "access_denied",
                               "authentication failed at the identity provider",
                               auth_req.get("state"))

    def token_endpoint(self, context):
        """Redeem a code at most once, even when requests race on several workers."""
        code = (context.request or {}).get("code")
        if code and not self._first_redemption(code):
            logger.warning("authorization code presented twice; refused")
            error = TokenErrorResponse(error="invalid_grant",
                                       error_description="authorization code already used")
            return BadRequest(error.to_json(), content="application/json")
        return super().token_endpoint(context)

    def _first_redemption(self, code: str) -> bool:
        key = REDEEMED_CODE_PREFIX + hashed(code)
        return bool(self._redis.set(key, b"1", nx=True, ex=self._code_ttl))


def _error_redirect(redirect_uri: str, error: str, description: str, state: str | None):
    response = AuthorizationErrorResponse(error=error, error_description=description)
    if state:
        response["state"] = state
    separator = "&" if "?" in redirect_uri else "?"
    return SeeOther(f"{redirect_uri}{separator}{urlencode(response.to_dict())}")
