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
- user claims kept in Redis only as long as the access token that reads them, sealed,
  like every code and token record (proxy/stores/oidc_records.py), on the proxy's Redis
  client (Sentinel and Cluster included), each endpoint's writes in one pipeline
  (proxy/stores/login_step.py);
- a ``sub``'s user found with one Redis lookup, where pyop scans every user (and its
  records expire), see ``proxy/stores/subject_index.py``;
- error descriptions sent back to relying parties carry no personal data.
"""

from __future__ import annotations

import contextvars
import json
import logging
from collections.abc import Callable, Mapping
from contextlib import suppress
from typing import Any

from jwkest import JWKESTException
from oic.exception import MessageException
from oic.oic.message import TokenErrorResponse
from pyop.exceptions import InvalidAuthorizationCode
from pyop.userinfo import Userinfo
from satosa.context import Context
from satosa.exception import SATOSAAuthenticationError
from satosa.frontends.openid_connect import (
    OpenIDConnectFrontend,
    combine_select_first_value,
    combine_values_by_claim,
)
from satosa.internal import InternalData
from satosa.response import BadRequest, Response, SeeOther, Unauthorized

from proxy.errors import OidcRequestRejected
from proxy.keys.rotation import published_jwks
from proxy.observability.audit import AuditLog
from proxy.observability.login_correlation import start_login
from proxy.observability.metrics import REPLAYS, timed
from proxy.observability.observed import (
    audit_authorization_refusal,
    audit_backend_error,
    audit_release,
)
from proxy.oidc.authorization import (
    code_in,
    epoch_of,
    error_redirect_url,
    json_field,
    oauth_error_of,
    refusal_of,
)
from proxy.oidc.client_authentication import (
    ClientAuthenticationFailed,
    authenticate_client,
    basic_authorization,
)
from proxy.oidc.clients import RelyingParty
from proxy.oidc.id_tokens import sign_id_tokens_with_openssl
from proxy.oidc.initiated_login import LOGIN_HINT
from proxy.oidc.release_policy import PolicyFilteredClaims, allowed_claims, releasing_for
from proxy.stores.connection import (
    ReplicaAcks,
    check_replicated,
    hashed,
    redis_client,
    tagged,
    wait_for_replicas,
)
from proxy.stores.login_step import current_step, login_step, write
from proxy.stores.oidc_records import SealedRecords
from proxy.stores.seal import Seal
from proxy.stores.subject_index import IndexedAuthorizationState, SubjectIndex

logger = logging.getLogger(__name__)

SINGLE_VALUED_CLAIMS = ("siecle_match", "siecle_uai", "siecle_ine", "siecle_class")
# SATOSA keeps how each claim's values combine in a module-level table; ours are single.
combine_values_by_claim.update({name: combine_select_first_value for name in SINGLE_VALUED_CLAIMS})

REDEEMED_CODE_PREFIX = "pixgar:redeemed-code:"
CODE_TOKEN_PREFIX = "pixgar:code-token:"  # noqa: S105 - a key prefix: hashed code -> its token
REPLAYED_CODE_PREFIX = "pixgar:replayed-code:"  # hashed code -> a second redemption was tried
AUTH_TIME_PREFIX = "pixgar:auth-time:"      # hashed code -> when the GAR authenticated the user
# the auth_time of the code being redeemed by this request (per thread / per request)
_auth_time_of_request: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "pixgar_auth_time", default=None)


class PixOpenIDProvider(OpenIDConnectFrontend):  # type: ignore[misc]  # satosa: untyped
    """SATOSA frontend module: the OpenID Provider pix_core logs in with."""

    def __init__(self, auth_req_callback_func: Callable[..., Any],
                 internal_attributes: Mapping[str, Any], conf: Mapping[str, Any],
                 base_url: str, name: str) -> None:
        # without db_uri SATOSA builds in-memory stores, replaced below by ours on Redis
        stock = {key: value for key, value in conf.items() if key != "db_uri"}
        super().__init__(auth_req_callback_func, internal_attributes, stock, base_url, name)
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
        self._redis = redis_client(conf["db_uri"])
        self._acks = ReplicaAcks.for_url(self._redis, conf["db_uri"])  # WAIT 1 behind Sentinel
        self._code_ttl = int(provider_config.get("authorization_code_lifetime", 600))
        self._token_ttl = claims_ttl
        seal = Seal(conf["seal_key"])  # nothing about a pupil in clear in Redis

        def records(collection: str, ttl: int) -> SealedRecords:
            return SealedRecords(self._redis, collection, ttl, seal)

        # only the claims the release policy allows the client are stored (read by userinfo
        # and the ID token): proxy/oidc/release_policy.py
        self.release_policy = conf.get("release_policy") or {}
        self.user_db = PolicyFilteredClaims(records("userinfo", claims_ttl))
        self.audit = AuditLog(conf["audit"]) if conf.get("audit") else None
        self.provider.userinfo = Userinfo(self.user_db)
        sign_id_tokens_with_openssl(self.provider)  # proxy/oidc/id_tokens.py
        # a sub's user in one GET instead of pyop's scan of every user (stores/subject_index.py)
        self.provider.authz_state = IndexedAuthorizationState.replacing(
            self.provider.authz_state, SubjectIndex(self._redis, self._code_ttl + claims_ttl),
            {"authorization_codes": records("authz_codes", self._code_ttl),
             "access_tokens": records("access_tokens", claims_ttl),
             "refresh_tokens": records("refresh_tokens", claims_ttl)})  # none is issued
        # the JWKS publishes every live key of the keyring (current, next, retiring)
        self._jwks = published_jwks(conf.get("published_signing_keys")
                                    or [conf["signing_key_path"]])

    def jwks(self, context: Context) -> Response:
        """The JWKS document: current, next and retiring keys, each with its ``kid``."""
        return Response(json.dumps(self._jwks), content="application/json")

    def handle_authn_request(self, context: Context) -> Any:
        """Check client, redirect URI and PKCE before SATOSA/pyop see the request."""
        start_login(context)  # the id pix_core logs this login under, for both apps' logs
        params = context.request or {}
        party = self.relying_parties.get(params.get("client_id", ""))
        redirect_uri = params.get("redirect_uri", "")
        if party is None or redirect_uri not in party.redirect_uris:
            raise OidcRequestRejected("unknown_client_or_redirect_uri")
        refusal = refusal_of(params)  # proxy/oidc/authorization.py
        if refusal is not None:
            audit_authorization_refusal(self, party.client_id, refusal.reason)
            return SeeOther(error_redirect_url(redirect_uri, refusal.error, refusal.description,
                                               params.get("state")))
        if params.get("login_hint"):
            context.decorate(LOGIN_HINT, params["login_hint"])
        return super().handle_authn_request(context)

    def _handle_authn_request(self, context: Context) -> Any:
        """pyop's own refusals (scope, response type…) are audited like ours.

        A parameter oic cannot parse (``max_age=abc``, ``claims={``, a malformed
        ``id_token_hint``) raises out of pyop, and without ``response_type`` SATOSA answers
        a plain-text 400 quoting pyop: both become ``invalid_request`` back to the checked
        redirect URI (RFC 6749 §4.1.2.1).
        """
        params = context.request or {}
        try:
            outcome = super()._handle_authn_request(context)
        except (ValueError, MessageException, JWKESTException):
            outcome = None
        if outcome is None or isinstance(outcome, BadRequest):
            audit_authorization_refusal(self, params.get("client_id"),
                                        "authorization_invalid_request")
            return SeeOther(error_redirect_url(params["redirect_uri"], "invalid_request",
                                               "malformed authorization request",
                                               params.get("state")))
        if not isinstance(outcome, InternalData):
            headers = getattr(outcome, "headers", None)
            reason = oauth_error_of(headers) or "invalid_authorization_request"
            audit_authorization_refusal(self, (context.request or {}).get("client_id"),
                                        f"authorization_{reason}")
        return outcome

    def handle_authn_response(self, context: Context, internal_resp: InternalData) -> Any:
        """Issue the code with the claims the policy allows and its ``auth_time``; audit.

        The audit event is written while the code, claims, subject index and
        ``auth_time`` wait in the step (stores/login_step.py): it reads them there, not
        back from Redis. Then they go in one pipeline: audited before stored, stored before
        released. An audit that fails leaves nothing stored (503).
        """
        client_id = self._get_authn_request_from_state(context.state).get("client_id")
        allowed = allowed_claims(self.release_policy, client_id)
        with login_step(self._redis), releasing_for(allowed):
            response = super().handle_authn_response(context, internal_resp)
            code = code_in(getattr(response, "headers", []))
            if code:
                auth_time = epoch_of(getattr(internal_resp.auth_info, "timestamp", None))
                write(self._redis, _code_key(AUTH_TIME_PREFIX, code),
                      str(auth_time).encode("ascii"), self._code_ttl)
                audit_release(self, code, client_id, internal_resp)  # fails closed: 503
        return response

    def _get_extra_id_token_claims(self, user_id: str, client_id: str) -> dict[str, Any]:
        claims = dict(super()._get_extra_id_token_claims(user_id, client_id))
        auth_time = _auth_time_of_request.get()
        if auth_time is not None:
            claims["auth_time"] = auth_time  # required with max_age (OIDC Core §3.1.2.1)
        return claims

    def handle_backend_error(self, exception: SATOSAAuthenticationError) -> SeeOther:
        """Tell the relying party the login failed, without the internal reason."""
        auth_req = self._get_authn_request_from_state(exception.state)
        audit_backend_error(self, auth_req.get("client_id"))
        return SeeOther(error_redirect_url(auth_req["redirect_uri"], "access_denied",
                                           "authentication failed at the identity provider",
                                           auth_req.get("state")))

    def token_endpoint(self, context: Context) -> Any:
        with timed("token"), login_step(self._redis):  # observability/metrics.py; one pipeline
            response = self._token_endpoint(context)
        logger.info("token request answered %s", str(response.status).split()[0])
        return response

    def userinfo_endpoint(self, context: Context) -> Any:
        with login_step(self._redis):  # the access token and the claims read once each
            return super().userinfo_endpoint(context)

    def _token_endpoint(self, context: Context) -> Any:
        """Authenticate the client, then redeem its code at most once, even across workers.

        A second redemption of a code is refused *and* revokes the access token the first
        one issued (RFC 6749 §4.1.2), but only when the code's own client presents it, so
        a party that merely saw the code cannot revoke the real login.
        """
        params = context.request or {}
        try:
            client_id, secret = authenticate_client(self.relying_parties, params,
                                                    context.request_authorization)
        except ClientAuthenticationFailed:
            logger.warning("token request with failed client authentication; refused")
            return Unauthorized(_token_error("invalid_client", "client authentication failed"),
                                headers=[("WWW-Authenticate", "Basic")],
                                content="application/json")
        # pyop accepts only the method a client registered: hand it the checked credentials
        # in the Basic form, whichever of the two advertised methods the client used.
        context.request = {k: v for k, v in params.items() if k != "client_secret"}
        context.request_authorization = basic_authorization(client_id, secret)
        code = params.get("code")
        if code and self._code_belongs_to(code, client_id):
            first, stored = self._redeem(code)
            if not first:
                logger.warning("authorization code presented twice; refused, tokens revoked")
                REPLAYS.labels(kind="code").inc()
                self._revoke_tokens_of(code)
                return BadRequest(_token_error("invalid_grant", "authorization code already used"),
                                  content="application/json")
            marker = _auth_time_of_request.set(int(stored) if stored else None)
            try:
                response = super().token_endpoint(context)
            finally:
                _auth_time_of_request.reset(marker)
            self._remember_token_of(code, response)
            return response
        return super().token_endpoint(context)

    def _code_belongs_to(self, code: str, client_id: str) -> bool:
        try:
            request = self.provider.authz_state.get_authorization_request_for_code(code)
        except InvalidAuthorizationCode:
            return False  # pyop answers invalid_grant
        return bool(request.get("client_id") == client_id)

    def _redeem(self, code: str) -> tuple[bool, Any]:
        """Mark ``code`` redeemed (atomic: True for the first caller only) and read its
        ``auth_time``: one round trip, both keys tagged by the code."""
        replicas = self._acks.needed()
        with self._redis.pipeline(transaction=False) as pipe:
            pipe.set(_code_key(REDEEMED_CODE_PREFIX, code), b"1", nx=True, ex=self._code_ttl)
            pipe.get(_code_key(AUTH_TIME_PREFIX, code))
            wait_for_replicas(pipe, replicas)
            results = pipe.execute()
        check_replicated(results, replicas)  # else a failover could forget the mark
        return bool(results[0]), results[1]

    def _remember_token_of(self, code: str, response: Any) -> None:
        """Keep which access token ``code`` gave, and revoke it if a replay came meanwhile."""
        if not str(response.status).startswith("200"):
            return
        access_token = json_field(response.message, "access_token")
        if not isinstance(access_token, str) or not access_token:
            return
        step = current_step(self._redis)
        if step is not None:
            step.flush()  # the token is stored before a replay can name it
        with self._redis.pipeline(transaction=False) as pipe:  # one slot: the code's tag
            pipe.set(_code_key(CODE_TOKEN_PREFIX, code), access_token.encode("utf-8"),
                     ex=self._token_ttl)
            pipe.exists(_code_key(REPLAYED_CODE_PREFIX, code))
            _, replayed = pipe.execute()
        if replayed:
            self._revoke_tokens_of(code)

    def _revoke_tokens_of(self, code: str) -> None:
        with self._redis.pipeline(transaction=False) as pipe:  # in this order: one slot
            pipe.set(_code_key(REPLAYED_CODE_PREFIX, code), b"1", ex=self._token_ttl)
            pipe.get(_code_key(CODE_TOKEN_PREFIX, code))
            _, issued = pipe.execute()
        if issued is None:
            return  # the first redemption has not finished: it checks the replay mark
        access_tokens = self.provider.authz_state.access_tokens
        with suppress(KeyError):  # already expired
            del access_tokens[issued.decode("utf-8") if isinstance(issued, bytes) else issued]
        logger.warning("access token issued for a replayed authorization code revoked")


def _code_key(prefix: str, code: str) -> str:
    """Every key about one code shares its hash tag (one cluster slot): the hashed code."""
    return tagged(prefix, hashed(code))


def _token_error(error: str, description: str) -> str:
    response = TokenErrorResponse(  # type: ignore[no-untyped-call]  # oic: untyped
        error=error, error_description=description)
    return str(response.to_json())  # type: ignore[no-untyped-call]  # oic: untyped
