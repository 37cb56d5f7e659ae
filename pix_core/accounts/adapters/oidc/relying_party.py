"""OpenID Connect relying party towards the proxy: code flow + PKCE S256, built on ``oic``.

Stateless between requests: per-login secrets travel in :class:`PendingLogin`, which the
web layer keeps in the server-side session. Only the provider's metadata and keys are
cached in the process (fetched lazily; keys refetched when an unknown ``kid`` appears).
Every back-channel call goes through the one injected ``requests.Session``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import logging
import re
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard, cast
from urllib.parse import quote

import requests
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from oic.oic.message import (
    AccessTokenRequest,
    AccessTokenResponse,
    AuthorizationRequest,
    OpenIDSchema,
    ProviderConfigurationResponse,
)
from oic.utils.keyio import KeyBundle
from requests.hooks import dispatch_hook

from kernel.request_id import HEADER as REQUEST_ID_HEADER
from kernel.request_id import LOGIN_PARAMETER, current_request_id
from kernel.secret import Secret
from pix_core.accounts.adapters.oidc.claims import identity_from_claims
from pix_core.accounts.adapters.oidc.port import LoginRedirect, PendingLogin
from pix_core.accounts.domain.errors import AuthenticationFailed, IdentityProviderUnavailable
from pix_core.accounts.domain.users import GarIdentity

log = logging.getLogger(__name__)

SCOPES = ("openid", "profile", "gar")
SIGNING_ALG = "RS256"
CLOCK_SKEW = 60
METADATA_TTL = 3600.0
JWKS_MIN_REFRESH_INTERVAL = 10.0
TIMEOUT = 10.0


@dataclass(frozen=True)
class RelyingPartyConfig:
    issuer: str
    client_id: str
    client_secret: Secret
    redirect_uri: str
    scopes: tuple[str, ...] = SCOPES


class ProviderCache:
    """Discovery document and JWKS of one issuer, fetched lazily and shared by threads."""

    def __init__(self, issuer: str, http: requests.Session, monotonic: Callable[[], float]):
        self._issuer = issuer
        self._http = http
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._config: ProviderConfigurationResponse | None = None
        self._config_at = 0.0
        self._keys: KeyBundle | None = None
        self._keys_at = float("-inf")

    def config(self) -> ProviderConfigurationResponse:
        with self._lock:
            if self._config is None or self._monotonic() - self._config_at > METADATA_TTL:
                self._config = self._discover()
                self._config_at = self._monotonic()
            return self._config

    def signing_keys(self, kid: str | None) -> list[Any]:
        """RSA signing keys matching ``kid``; refetch the JWKS once if ``kid`` is unknown."""
        jwks_uri = self.config()["jwks_uri"]
        with self._lock:
            if self._keys is None:
                self._keys = self._fetch_jwks(jwks_uri)
            keys = _matching(self._keys, kid)
            recently = self._monotonic() - self._keys_at < JWKS_MIN_REFRESH_INTERVAL
            if not keys and not recently:
                log.info("OIDC: unknown signing key id, refetching the JWKS")
                self._keys = self._fetch_jwks(jwks_uri)
                keys = _matching(self._keys, kid)
            return keys

    def _discover(self) -> ProviderConfigurationResponse:
        url = self._issuer.rstrip("/") + "/.well-known/openid-configuration"
        text = _get(self._http, url)
        try:
            pcr = cast(
                ProviderConfigurationResponse, ProviderConfigurationResponse().from_json(text)
            )
            pcr.verify()
        except Exception as err:
            raise IdentityProviderUnavailable("discovery_invalid") from err
        if pcr.get("issuer") != self._issuer:
            log.error("OIDC: the discovery document names another issuer than configured")
            raise IdentityProviderUnavailable("issuer_mismatch")
        for endpoint in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint"):
            if endpoint not in pcr:
                raise IdentityProviderUnavailable("discovery_incomplete")
        return pcr

    def _fetch_jwks(self, jwks_uri: str) -> KeyBundle:
        text = _get(self._http, jwks_uri)
        try:
            bundle = KeyBundle()
            bundle.do_keys(_json_keys(text))
        except Exception as err:
            raise IdentityProviderUnavailable("jwks_invalid") from err
        self._keys_at = self._monotonic()
        return bundle


class OidcRelyingParty:
    """Implements :class:`pix_core.accounts.adapters.oidc.port.RelyingParty` against the proxy."""

    def __init__(
        self,
        config: RelyingPartyConfig,
        http: requests.Session,
        now: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._config = config
        self._http = http
        self._now = now
        self.provider = ProviderCache(config.issuer, http, monotonic)

    def begin(self, login_hint: str | None = None, request_id: str | None = None) -> LoginRedirect:
        pending = PendingLogin(
            state=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(32),
            code_verifier=secrets.token_urlsafe(64),
        )
        args: dict[str, Any] = {
            "response_type": "code",
            "client_id": self._config.client_id,
            "redirect_uri": self._config.redirect_uri,
            "scope": " ".join(self._config.scopes),
            "state": pending.state,
            "nonce": pending.nonce,
            "code_challenge": pkce_challenge(pending.code_verifier),
            "code_challenge_method": "S256",
        }
        if login_hint:
            args["login_hint"] = login_hint
        if request_id:
            args[LOGIN_PARAMETER] = request_id  # an extension parameter: OPs ignore it
        endpoint = self.provider.config()["authorization_endpoint"]
        return LoginRedirect(AuthorizationRequest(**args).request(endpoint), pending)

    def complete(self, params: Mapping[str, str], pending: PendingLogin) -> GarIdentity:
        self._check_callback(params, pending)
        tokens = self._redeem(params["code"], pending)
        id_token = self.verify_id_token(str(tokens["id_token"]), pending.nonce)
        claims = self._userinfo(str(tokens["access_token"]))
        if claims.get("sub") != id_token["sub"]:
            raise AuthenticationFailed("userinfo_sub_mismatch")
        return identity_from_claims(claims)

    def _check_callback(self, params: Mapping[str, str], pending: PendingLogin) -> None:
        if "error" in params:
            raise AuthenticationFailed("op_error:" + _safe_label(params["error"]))
        if not hmac.compare_digest(params.get("state", ""), pending.state):
            raise AuthenticationFailed("state_mismatch")
        if "iss" in params and params["iss"] != self._config.issuer:
            raise AuthenticationFailed("issuer_mismatch")
        if not params.get("code"):
            raise AuthenticationFailed("code_missing")

    def _redeem(self, code: str, pending: PendingLogin) -> AccessTokenResponse:
        request = AccessTokenRequest(
            grant_type="authorization_code",
            code=code,
            redirect_uri=self._config.redirect_uri,
            code_verifier=pending.code_verifier,
        )
        response = _call(
            self._http,
            "POST",
            self.provider.config()["token_endpoint"],
            data=request.to_urlencoded(),
            headers={
                "Authorization": self._basic_auth(),
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
        )
        if response.status_code in (400, 401, 403):
            raise AuthenticationFailed("token_rejected")
        if response.status_code != 200:
            raise IdentityProviderUnavailable("token_endpoint_status")
        try:
            tokens = cast(AccessTokenResponse, AccessTokenResponse().from_json(response.text))
        except Exception as err:
            raise AuthenticationFailed("token_response_invalid") from err
        if "id_token" not in tokens or "access_token" not in tokens:
            raise AuthenticationFailed("token_response_incomplete")
        return tokens

    def verify_id_token(self, token: str, nonce: str) -> dict[str, Any]:
        """Check signature (RS256, proxy JWKS), ``iss``, ``aud``/``azp``, expiry and nonce;
        return the claims. The RSA signature is checked by ``cryptography`` (OpenSSL):
        jwkest's pure-Python path cost 0.46 ms a login against 0.03 (docs/performance.md)."""
        signing_input, header, payload, signature = _compact_jws(token)
        if header.get("alg") != SIGNING_ALG:
            raise AuthenticationFailed("id_token_alg")
        keys = self.provider.signing_keys(header.get("kid"))
        if not keys:
            raise AuthenticationFailed("id_token_unknown_key")
        if not any(_rs256_verifies(key, signing_input, signature) for key in keys):
            raise AuthenticationFailed("id_token_signature")
        try:
            claims = json.loads(payload)
        except ValueError:
            raise AuthenticationFailed("id_token_claims") from None
        if not isinstance(claims, dict):
            raise AuthenticationFailed("id_token_claims")
        self._check_id_token_claims(claims, nonce)
        return claims

    def _check_id_token_claims(self, claims: dict[str, Any], nonce: str) -> None:
        """OIDC Core §3.1.3.7, steps 2–4 and 9–11."""
        if claims.get("iss") != self._config.issuer:
            raise AuthenticationFailed("id_token_claims")
        audience = claims.get("aud")
        audience = [audience] if isinstance(audience, str) else audience
        if not isinstance(audience, list) or self._config.client_id not in audience:
            raise AuthenticationFailed("id_token_claims")
        azp = claims.get("azp")
        if (len(audience) > 1 or azp is not None) and azp != self._config.client_id:
            raise AuthenticationFailed("id_token_claims")
        exp, iat, now = claims.get("exp"), claims.get("iat"), self._now()
        if not _is_time(exp) or not _is_time(iat):
            raise AuthenticationFailed("id_token_claims")
        if exp + CLOCK_SKEW < now or iat - CLOCK_SKEW > now:
            raise AuthenticationFailed("id_token_claims")  # expired, or issued in the future
        if not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
            raise AuthenticationFailed("nonce_mismatch")
        if not isinstance(claims.get("sub"), str) or not claims["sub"]:
            raise AuthenticationFailed("id_token_sub_missing")

    def _userinfo(self, access_token: str) -> dict[str, Any]:
        response = _call(
            self._http,
            "GET",
            self.provider.config()["userinfo_endpoint"],
            headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
        )
        if response.status_code in (400, 401, 403):
            raise AuthenticationFailed("userinfo_rejected")
        if response.status_code != 200:
            raise IdentityProviderUnavailable("userinfo_status")
        try:
            if response.headers.get("Content-Type", "").startswith("application/jwt"):
                keys = self.provider.signing_keys(_jws_header(response.text).get("kid"))
                claims = OpenIDSchema().from_jwt(
                    response.text, key=keys, algs={"sign": SIGNING_ALG}
                )
            else:
                claims = OpenIDSchema().from_json(response.text)
        except Exception as err:
            raise AuthenticationFailed("userinfo_invalid") from err
        return claims.to_dict()

    def _basic_auth(self) -> str:
        """RFC 6749 §2.3.1: form-encode id and secret before Basic encoding."""
        pair = f"{quote(self._config.client_id, safe='')}:" + quote(
            self._config.client_secret.reveal(), safe=""
        )
        return "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")


def pkce_challenge(code_verifier: str) -> str:
    digest = hashlib.sha256(code_verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _jws_header(token: str) -> dict[str, Any]:
    return _compact_jws(token)[1]


def _compact_jws(token: str) -> tuple[bytes, dict[str, Any], bytes, bytes]:
    """``header.payload.signature`` (RFC 7515 §7.1): the signing input, the decoded header,
    payload and signature; ``id_token_not_jws`` if it is not one."""
    parts = token.split(".")
    try:
        if len(parts) != 3:
            raise ValueError("not three parts")
        header = json.loads(_b64url(parts[0]))
        payload, signature = _b64url(parts[1]), _b64url(parts[2])
    except ValueError:
        raise AuthenticationFailed("id_token_not_jws") from None
    if not isinstance(header, dict):
        raise AuthenticationFailed("id_token_not_jws")
    return f"{parts[0]}.{parts[1]}".encode("ascii"), header, payload, signature


def _b64url(part: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", part):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _rs256_verifies(key: Any, signing_input: bytes, signature: bytes) -> bool:
    try:
        _rsa_public_key(int(key.n), int(key.e)).verify(
            signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


@functools.lru_cache(maxsize=16)
def _rsa_public_key(n: int, e: int) -> rsa.RSAPublicKey:
    """The proxy's published keys, built once each (a JWKS lists a few)."""
    return rsa.RSAPublicNumbers(e, n).public_key()


def _is_time(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _matching(bundle: KeyBundle, kid: str | None) -> list[Any]:
    return [
        key
        for key in bundle.keys()  # noqa: SIM118  a KeyBundle is no dict: keys() is its API
        if key.kty == "RSA" and key.use in ("", "sig") and (kid is None or key.kid == kid)
    ]


def _json_keys(text: str) -> list[dict[str, Any]]:
    keys = json.loads(text)["keys"]
    if not isinstance(keys, list):
        raise ValueError("keys is not a list")
    return keys


def _safe_label(value: str) -> str:
    return re.sub(r"[^a-z_]", "", value.lower())[:40] or "unknown"


def _call(http: requests.Session, method: str, url: str, *, headers: Mapping[str, str],
          data: str | None = None) -> requests.Response:
    """One back-channel exchange, sent straight through the session's transport adapter.

    ``Session.request`` merges the environment's settings and cookies, and follows
    redirects: the back-channel wants none of it (its settings are fixed at start, no
    cookie, no redirect followed), and that layer cost as much CPU as the exchange itself
    (docs/performance.md). The session's response hooks still see every answer; the
    current request id goes along (the logs of one login).
    """
    request_id = current_request_id()
    sent = {**http.headers, **headers, **({REQUEST_ID_HEADER: request_id} if request_id else {})}
    prepared = requests.Request(method, url, headers=sent, data=data).prepare()
    try:
        response = http.get_adapter(url).send(prepared, stream=False, timeout=TIMEOUT,
                                              verify=http.verify, cert=http.cert,
                                              proxies=http.proxies)
        response.content  # noqa: B018  read whole: the connection goes back to the pool
    except requests.RequestException as err:
        raise IdentityProviderUnavailable("unreachable") from err
    return cast(requests.Response, dispatch_hook("response", http.hooks, response))


def _get(http: requests.Session, url: str) -> str:
    response = _call(http, "GET", url, headers={"Accept": "application/json"})
    if response.status_code != 200:
        raise IdentityProviderUnavailable("metadata_status")
    return response.text
