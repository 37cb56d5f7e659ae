"""An independent OpenID Connect client for the security suites: requests + jwcrypto.

Deliberately *not* pyop or oic (the libraries the proxy is built on): a check written
with the same library as the code under test would share its blind spots. Every request
is built by hand, every ID token is verified with jwcrypto against the published JWKS.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from jwcrypto import jwk, jwt

from tests.support.browsing import forms_of, pkce_pair

SCOPE = "openid profile gar"


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def b64url_sha256_half(value: str) -> str:
    """``at_hash`` / ``c_hash`` for RS256: left half of SHA-256, base64url without padding."""
    digest = hashlib.sha256(value.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode("ascii")


@dataclass
class Authorization:
    """What came back to the relying party's redirect URI, and what the RP kept."""

    location: str
    params: dict[str, str]
    verifier: str
    state: str
    nonce: str

    @property
    def code(self) -> str:
        return self.params["code"]


@dataclass
class OidcClient:
    """A relying party of the proxy, driving a browser session and its own back channel."""

    session: requests.Session
    env: dict[str, str]
    client_id: str = "pix"
    secret: str = ""
    redirect_uri: str = ""
    user: str = "chloe-benoit"
    counter: list[int] = field(default_factory=lambda: [0])

    def __post_init__(self) -> None:
        self.secret = self.secret or self.env["PIX_CLIENT_SECRET"]
        callback = f"{self.env['PIX_BASE_URL']}/connexion/oidc/callback"
        self.redirect_uri = self.redirect_uri or callback

    @property
    def issuer(self) -> str:
        return self.env["PROXY_BASE_URL"]

    # --- front channel -------------------------------------------------------------------
    def log_into_ent(self, user: str | None = None) -> None:
        """The pupil's ENT and GAR sessions, so that the GAR answers without a prompt."""
        user = user or self.user
        self.session.post(f"{self.env['ENT_BASE_URL']}/connexion",
                          data={"user": user, "next": "mediacentre"})
        self.session.get(f"{self.env['GAR_SIM_BASE_URL']}/gar/acces/pix",
                         params={"user": user}, allow_redirects=False)

    def authorization_query(self, **overrides: str | None) -> tuple[dict[str, str], str]:
        """A valid code + PKCE S256 request; ``overrides`` change or (with None) drop params."""
        verifier, challenge = pkce_pair()
        self.counter[0] += 1
        query: dict[str, str] = {
            "response_type": "code", "client_id": self.client_id,
            "redirect_uri": self.redirect_uri, "scope": SCOPE,
            "state": f"state-{self.counter[0]}-{time.monotonic_ns()}",
            "nonce": f"nonce-{self.counter[0]}-{time.monotonic_ns()}",
            "code_challenge": challenge, "code_challenge_method": "S256",
        }
        for name, value in overrides.items():
            if value is None:
                query.pop(name, None)
            else:
                query[name] = value
        return query, verifier

    def authorize_raw(self, query: dict[str, str]) -> requests.Response:
        """The proxy's first answer to an authorization request (redirects not followed)."""
        return self.session.get(f"{self.issuer}/gar/pix/authorization?{urlencode(query)}",
                                allow_redirects=False)

    def authorize(self, **overrides: str | None) -> Authorization:
        """A whole front-channel login: authorization → GAR → ACS → redirect URI."""
        self.log_into_ent()
        query, verifier = self.authorization_query(**overrides)
        autopost = self.session.get(f"{self.issuer}/gar/pix/authorization?{urlencode(query)}")
        forms = forms_of(autopost.text)
        assert forms, f"no SAML auto-POST form (status {autopost.status_code})"
        form = forms[0]
        answer = self.session.post(form["action"], data=form["fields"], allow_redirects=False)
        assert answer.status_code in (302, 303), answer.status_code
        location = answer.headers["Location"]
        return Authorization(location, query_of(location), verifier,
                             query.get("state", ""), query.get("nonce", ""))

    # --- back channel --------------------------------------------------------------------
    def token(self, code: str, verifier: str | None, *, auth: str = "basic",
              secret: str | None = None, redirect_uri: str | None = None,
              http: Any = None, base: str | None = None, **extra: str) -> requests.Response:
        """POST to the token endpoint; ``auth`` is basic, post or none."""
        data = {"grant_type": "authorization_code", "code": code,
                "redirect_uri": redirect_uri or self.redirect_uri}
        if verifier is not None:
            data["code_verifier"] = verifier
        data.update(extra)
        secret = self.secret if secret is None else secret
        kwargs: dict[str, Any] = {}
        if auth == "basic":
            kwargs["auth"] = (self.client_id, secret)
        elif auth == "post":
            data.update(client_id=self.client_id, client_secret=secret)
        else:
            data["client_id"] = self.client_id
        return (http or self.session).post(f"{base or self.issuer}/pix/token", data=data,
                                           **kwargs)

    def userinfo(self, access_token: str, *, how: str = "header") -> requests.Response:
        """The userinfo request, the token sent as RFC 6750 allows.

        ``header``: GET with ``Authorization: Bearer``; ``header-post``: the same header on
        a POST without body nor Content-Type (§2.1); ``body``: a form-encoded POST (§2.2).
        """
        url = f"{self.issuer}/pix/userinfo"
        if how == "body":
            return self.session.post(url, data={"access_token": access_token})
        bearer = {"Authorization": f"Bearer {access_token}"}
        if how == "header-post":
            request = self.session.prepare_request(requests.Request("POST", url, bearer))
            assert "Content-Type" not in request.headers
            assert not request.body
            return self.session.send(request)
        return self.session.get(url, headers=bearer)

    def discovery(self) -> dict[str, Any]:
        answer = self.session.get(f"{self.issuer}/.well-known/openid-configuration")
        assert answer.status_code == 200
        return answer.json()

    def jwks(self) -> jwk.JWKSet:
        answer = self.session.get(self.discovery()["jwks_uri"])
        assert answer.status_code == 200
        return jwk.JWKSet.from_json(answer.text)

    def login(self, **overrides: str | None) -> tuple[Authorization, dict[str, Any]]:
        """A whole code flow; returns the authorization and the token response."""
        authz = self.authorize(**overrides)
        answer = self.token(authz.code, authz.verifier)
        assert answer.status_code == 200, answer.text
        return authz, answer.json()


def verify_id_token(id_token: str, keys: jwk.JWKSet, *, issuer: str, client_id: str,
                    nonce: str, access_token: str | None = None) -> dict[str, Any]:
    """Verify an ID token as OpenID Connect Core §3.1.3.7 says, with jwcrypto only."""
    token = jwt.JWT(jwt=id_token, key=keys, algs=["RS256"],
                    check_claims={"iss": issuer, "aud": client_id, "exp": None, "iat": None})
    claims = json.loads(token.claims)
    now = time.time()
    assert claims["iat"] <= now + 60, "iat in the future"
    assert claims["exp"] > now, "expired"
    assert claims["exp"] > claims["iat"]
    aud = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    assert client_id in aud
    if len(aud) > 1:
        assert claims.get("azp") == client_id
    assert claims.get("nonce") == nonce, "nonce not echoed"
    assert claims.get("sub"), "no sub"
    if "at_hash" in claims and access_token is not None:
        assert claims["at_hash"] == b64url_sha256_half(access_token), "at_hash mismatch"
    return claims


def jose_header(token: str) -> dict[str, Any]:
    segment = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
