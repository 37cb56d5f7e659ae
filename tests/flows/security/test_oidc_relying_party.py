"""pix_core's relying party against forged ID tokens, with the real proxy's JWKS.

The forgeries are made with jwcrypto (not the oic/jwkest code pix_core verifies with):
``alg: none``, HS256 keyed with the proxy's *public* key (the classic algorithm
confusion), a valid RS256 signature by a stranger's key under the proxy's ``kid``, and
a genuine token whose payload was edited.
"""

from __future__ import annotations

import json
import time

import pytest
from jwcrypto import jwk, jws

from kernel.secret import Secret
from pix_core.accounts.adapters.oidc.relying_party import OidcRelyingParty, RelyingPartyConfig
from pix_core.accounts.domain.errors import AuthenticationFailed
from tests.support.oidc_client import OidcClient, jose_header
from tests.support.wsgi_transport import routed_session


@pytest.fixture
def client(stack, browser) -> OidcClient:
    return OidcClient(browser.session, stack.env)


@pytest.fixture
def relying_party(stack, client) -> OidcRelyingParty:
    http, _ = routed_session({stack.env["PROXY_BASE_URL"]: stack.apps[stack.env["PROXY_BASE_URL"]]})
    config = RelyingPartyConfig(client.issuer, client.client_id, Secret(client.secret),
                                client.redirect_uri)
    return OidcRelyingParty(config, http)


def _claims(client: OidcClient, nonce: str) -> dict:
    now = int(time.time())
    return {"iss": client.issuer, "aud": [client.client_id], "sub": "forged-sub",
            "iat": now, "exp": now + 300, "nonce": nonce}


def _sign(payload: dict, key: jwk.JWK | None, header: dict) -> str:
    if key is None:  # jwcrypto will not sign with "none": the two segments by hand
        segments = (jwk.base64url_encode(json.dumps(part).encode()) for part in (header, payload))
        return ".".join(segments) + "."
    token = jws.JWS(json.dumps(payload).encode())
    token.allowed_algs = [header["alg"]]
    token.add_signature(key, alg=header["alg"], protected=json.dumps(header))
    return token.serialize(compact=True)


def test_a_genuine_id_token_is_accepted(client, relying_party):
    authz, tokens = client.login()
    assert relying_party.verify_id_token(tokens["id_token"], authz.nonce)["sub"]


def test_alg_none_is_refused(client, relying_party):
    token = _sign(_claims(client, "n"), None, {"alg": "none"})
    with pytest.raises(AuthenticationFailed):
        relying_party.verify_id_token(token, "n")


def test_hs256_keyed_with_the_public_key_is_refused(client, relying_party):
    public = next(iter(client.jwks()))
    kid = public.export(as_dict=True)["kid"]
    for secret in (public.export_to_pem(), public.export(private_key=False).encode()):
        confused = jwk.JWK(kty="oct", k=jwk.base64url_encode(secret))
        token = _sign(_claims(client, "n"), confused, {"alg": "HS256", "kid": kid})
        with pytest.raises(AuthenticationFailed):
            relying_party.verify_id_token(token, "n")


def test_rs256_by_a_strangers_key_under_the_proxys_kid_is_refused(client, relying_party):
    kid = next(iter(client.jwks())).export(as_dict=True)["kid"]
    stranger = jwk.JWK.generate(kty="RSA", size=2048)
    token = _sign(_claims(client, "n"), stranger, {"alg": "RS256", "kid": kid})
    with pytest.raises(AuthenticationFailed):
        relying_party.verify_id_token(token, "n")


def test_an_edited_payload_of_a_genuine_token_is_refused(client, relying_party):
    authz, tokens = client.login()
    header, payload, signature = tokens["id_token"].split(".")
    claims = json.loads(jwk.base64url_decode(payload))
    claims["sub"] = "someone-else"
    edited = jwk.base64url_encode(json.dumps(claims).encode())
    assert jose_header(tokens["id_token"])["alg"] == "RS256"
    with pytest.raises(AuthenticationFailed):
        relying_party.verify_id_token(f"{header}.{edited}.{signature}", authz.nonce)


def test_a_genuine_token_with_another_nonce_is_refused(client, relying_party):
    _, tokens = client.login()
    with pytest.raises(AuthenticationFailed):
        relying_party.verify_id_token(tokens["id_token"], "not-the-nonce")
