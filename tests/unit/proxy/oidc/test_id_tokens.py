"""proxy/oidc/id_tokens.py: pyop's ID token, same claims and header, signed by OpenSSL."""

from __future__ import annotations

import base64
import json
from types import SimpleNamespace

import pytest
from jwcrypto import jwk, jwt
from jwkest.jwk import RSAKey, rsa_load
from pyop.provider import Provider

from kernel.devkeys import ensure_rsa_key
from proxy.oidc.id_tokens import sign_id_tokens_with_openssl

ARGUMENTS = {"client_id": "pix", "sub": "pairwise-sub", "user_claims": {"given_name": "Léa"},
             "nonce": "n-1", "authorization_code": "code-1", "access_token_value": "token-1",
             "extra_id_token_claims": {"acr": "gar"}}


@pytest.fixture
def provider(tmp_path):
    key_path = ensure_rsa_key(tmp_path / "oidc.key")
    key = RSAKey(key=rsa_load(str(key_path)), use="sig", alg="RS256", kid="key-2024")
    return SimpleNamespace(
        signing_key=key, clients={"pix": {}}, id_token_lifetime=3600,
        configuration_information={"issuer": "https://proxy.example",
                                   "id_token_signing_alg_values_supported": ["RS256"]},
        key_path=key_path)


def _part(token: str, index: int) -> dict:
    text = token.split(".")[index]
    return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


def test_the_id_token_has_pyops_header_and_claims_and_verifies_as_rs256(provider):
    expected = Provider._create_signed_id_token(provider, **ARGUMENTS)  # pyop's own
    sign_id_tokens_with_openssl(provider)

    token = provider._create_signed_id_token(**ARGUMENTS)

    assert _part(token, 0) == _part(expected, 0) == {"alg": "RS256", "kid": "key-2024"}
    claims, pyops = _part(token, 1), _part(expected, 1)
    assert {k: v for k, v in claims.items() if k not in ("iat", "exp")} == \
        {k: v for k, v in pyops.items() if k not in ("iat", "exp")}
    assert claims["exp"] - claims["iat"] == 3600
    public = jwk.JWK.from_pem(provider.key_path.read_bytes()).public()
    verified = jwt.JWT(jwt=token, key=public, algs=["RS256"])  # raises if the signature is bad
    assert json.loads(verified.claims)["nonce"] == "n-1"


def test_a_tampered_id_token_does_not_verify(provider):
    sign_id_tokens_with_openssl(provider)
    header, payload, signature = provider._create_signed_id_token(**ARGUMENTS).split(".")
    forged = json.dumps({**_part(f"{header}.{payload}", 1), "sub": "someone-else"}).encode()
    forged_payload = base64.urlsafe_b64encode(forged).rstrip(b"=").decode()
    public = jwk.JWK.from_pem(provider.key_path.read_bytes()).public()

    with pytest.raises(Exception, match="(?i)verif"):
        jwt.JWT(jwt=f"{header}.{forged_payload}.{signature}", key=public, algs=["RS256"])


def test_another_algorithm_asked_for_a_client_is_refused_not_signed_otherwise(provider):
    provider.clients["pix"]["id_token_signed_response_alg"] = "HS256"
    sign_id_tokens_with_openssl(provider)

    with pytest.raises(ValueError, match="HS256"):
        provider._create_signed_id_token(**ARGUMENTS)
