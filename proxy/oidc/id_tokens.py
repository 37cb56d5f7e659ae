"""ID tokens signed by OpenSSL (``cryptography``) instead of pyop's jwkest (pycryptodome).

pyop signs each ID token with jwkest, whose RSA runs on pycryptodome: ~2.8 times the CPU
of OpenSSL's RS256 (``timeit``, RSA 2048, same machine and moment), once per login at the
token endpoint. :func:`sign_id_tokens_with_openssl` gives a pyop ``Provider`` the same
``_create_signed_id_token`` (same claims, built by the same code as pyop 3.5's, same
``alg``/``kid`` header) whose signature is OpenSSL's. The JWS is the compact
serialization of RFC 7515; any RS256 verifier reads it (pix_core's jwkest, jwcrypto in
the OIDC attack suite).
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Mapping
from typing import Any, cast

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from jwkest import jws
from oic.oic.message import IdToken

ALGORITHM = "RS256"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class RS256Signer:
    """Compact JWS, RS256, with the private key of a jwkest ``RSAKey`` (and its ``kid``)."""

    def __init__(self, jwkest_key: Any) -> None:
        der = jwkest_key.key.export_key("DER")
        private = serialization.load_der_private_key(der, password=None)
        if not isinstance(private, rsa.RSAPrivateKey):
            raise TypeError("the OIDC signing key is not an RSA key")
        self._private = private
        header = {"alg": ALGORITHM, **({"kid": jwkest_key.kid} if jwkest_key.kid else {})}
        self._header = _b64(json.dumps(header, separators=(",", ":")).encode())

    def sign(self, payload: str) -> str:
        signing_input = f"{self._header}.{_b64(payload.encode('utf-8'))}"
        signature = self._private.sign(signing_input.encode("ascii"), padding.PKCS1v15(),
                                       hashes.SHA256())
        return f"{signing_input}.{_b64(signature)}"


def sign_id_tokens_with_openssl(provider: Any) -> None:
    """Make ``provider`` (pyop 3.5) sign its ID tokens with OpenSSL; claims unchanged."""
    signers: dict[int, RS256Signer] = {}

    def signer() -> RS256Signer:  # follows provider.signing_key if it is ever replaced
        key = provider.signing_key
        if id(key) not in signers:
            signers.clear()
            signers[id(key)] = RS256Signer(key)
        return signers[id(key)]

    def create_signed_id_token(client_id: str, sub: str,
                               user_claims: Mapping[str, Any] | None = None,
                               nonce: str | None = None,
                               authorization_code: str | None = None,
                               access_token_value: str | None = None,
                               extra_id_token_claims: Mapping[str, Any] | None = None) -> str:
        alg = provider.clients[client_id].get(
            "id_token_signed_response_alg",
            provider.configuration_information["id_token_signing_alg_values_supported"][0])
        if alg != ALGORITHM:
            raise ValueError(f"ID token algorithm {alg!r}: only {ALGORITHM} is signed here")
        claims: dict[str, Any] = {}
        if authorization_code:
            claims["c_hash"] = jws.left_hash(authorization_code.encode("utf-8"), "HS256")
        if access_token_value:
            claims["at_hash"] = jws.left_hash(access_token_value.encode("utf-8"), "HS256")
        claims.update(user_claims or {})
        claims.update(extra_id_token_claims or {})
        now = int(time.time())
        id_token = cast(Any, IdToken)(iss=provider.configuration_information["issuer"], sub=sub,
                           aud=client_id, iat=now, exp=now + provider.id_token_lifetime,
                           **claims)
        if nonce:
            id_token["nonce"] = nonce
        return signer().sign(id_token.to_json())

    provider._create_signed_id_token = create_signed_id_token
