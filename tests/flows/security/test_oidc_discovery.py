"""OpenID Foundation Basic OP plan, discovery / JWKS / ID token modules, with jwcrypto.

Nothing here uses pyop or oic: the discovery document, the keys and the ID token are read
the way any other relying party would read them.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from jwcrypto import jwk
from jwcrypto.common import JWException

from tests.support.oidc_client import (
    OidcClient,
    b64url_sha256_half,
    jose_header,
    verify_id_token,
)


@pytest.fixture
def client(stack, browser) -> OidcClient:
    return OidcClient(browser.session, stack.env)


def test_discovery_issuer_is_exactly_the_base_url(client):
    config = client.discovery()
    assert config["issuer"] == client.issuer
    assert not config["issuer"].endswith("/")


@pytest.mark.parametrize("endpoint", ["authorization_endpoint", "token_endpoint",
                                      "userinfo_endpoint", "jwks_uri"])
def test_discovery_endpoints_are_https_under_the_issuer(client, endpoint):
    url = urlsplit(client.discovery()[endpoint])
    assert url.scheme == "https"
    assert f"{url.scheme}://{url.netloc}" == client.issuer


def test_discovery_advertises_only_what_is_enforced(client):
    config = client.discovery()
    assert config["code_challenge_methods_supported"] == ["S256"]
    assert config["response_types_supported"] == ["code"]
    assert config["id_token_signing_alg_values_supported"] == ["RS256"]
    assert "none" not in config.get("token_endpoint_auth_methods_supported", [])
    assert set(config["token_endpoint_auth_methods_supported"]) <= {
        "client_secret_basic", "client_secret_post"}
    assert "implicit" not in config.get("grant_types_supported", ["authorization_code"])


def test_jwks_keys_are_public_rsa_signing_keys(client):
    keys = client.jwks()
    exported = [key.export(as_dict=True) for key in keys]
    assert exported
    for key in exported:
        assert key["kty"] == "RSA"
        assert key.get("kid")
        assert key.get("use", "sig") == "sig"
        for private in ("d", "p", "q", "dp", "dq", "qi"):
            assert private not in key, f"private member {private} published"
        assert int.bit_length(int.from_bytes(jwk.base64url_decode(key["n"]), "big")) >= 2048


def test_id_token_signature_kid_and_claims(client):
    authz, tokens = client.login()
    keys = client.jwks()
    header = jose_header(tokens["id_token"])
    assert header["alg"] == "RS256"
    assert header.get("kid") in {key.export(as_dict=True)["kid"] for key in keys}
    claims = verify_id_token(tokens["id_token"], keys, issuer=client.issuer,
                             client_id=client.client_id, nonce=authz.nonce,
                             access_token=tokens["access_token"])
    assert claims["iss"] == client.issuer
    assert claims["nonce"] == authz.nonce
    if "at_hash" in claims:
        assert claims["at_hash"] == b64url_sha256_half(tokens["access_token"])
    assert tokens["token_type"].lower() == "bearer"


def test_id_token_signed_by_another_key_does_not_verify(client):
    _, tokens = client.login()
    stranger = jwk.JWKSet()
    stranger.add(jwk.JWK.generate(kty="RSA", size=2048,
                                  kid=jose_header(tokens["id_token"])["kid"]))
    with pytest.raises(JWException):  # jwcrypto's base of every verification failure
        verify_id_token(tokens["id_token"], stranger, issuer=client.issuer,
                        client_id=client.client_id, nonce="x")


def test_state_and_nonce_are_echoed(client):
    authz, tokens = client.login()
    assert authz.params["state"] == authz.state
    assert urlsplit(authz.location)._replace(query="").geturl() == client.redirect_uri
    claims = verify_id_token(tokens["id_token"], client.jwks(), issuer=client.issuer,
                             client_id=client.client_id, nonce=authz.nonce)
    assert claims["nonce"] == authz.nonce
