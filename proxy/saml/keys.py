"""Which keys a response is checked and opened with: metadata for the IdP's, files for ours.

The IdP's signing keys come only from the SAML metadata pysaml2 holds (swapped in place
when the GAR publishes new metadata, docs/adr/0005), never from a message. Our
decryption keys are the keyring's live SAML encryption keys (current, next, retiring).
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from proxy.errors import SamlResponseRejected
from proxy.saml.encryption import DecryptionKey


class IdpSigningKeys:
    """The RSA signing keys that an identity provider's metadata publishes.

    ``metadata`` returns pysaml2's current ``MetadataStore``; parsed certificates are
    kept by their text, so a metadata swap costs one parse per new certificate.
    """

    def __init__(self, metadata: Callable[[], Any]) -> None:
        self._metadata = metadata
        self._parsed: dict[str, rsa.RSAPublicKey | None] = {}
        self._lock = threading.Lock()

    def of(self, entity_id: str) -> list[rsa.RSAPublicKey]:
        """The keys of ``entity_id``; a refusal if it is no identity provider we know."""
        try:
            certificates = self._metadata().certs(entity_id, "idpsso", "signing")
        except KeyError:
            raise SamlResponseRejected("unknown_issuer") from None
        keys = [key for key in (self._key(text) for _name, text in certificates) if key]
        if not keys:
            raise SamlResponseRejected("issuer_without_signing_key")
        return keys

    def _key(self, text: str) -> rsa.RSAPublicKey | None:
        if text not in self._parsed:
            key: rsa.RSAPublicKey | None = None
            try:
                der = base64.b64decode("".join(text.split()), validate=True)
                public = x509.load_der_x509_certificate(der).public_key()
                key = public if isinstance(public, rsa.RSAPublicKey) else None
            except ValueError:
                key = None
            with self._lock:
                self._parsed[text] = key
        return self._parsed[text]


def decryption_keys(pairs: Iterable[dict[str, str]]) -> list[DecryptionKey]:
    """Our SAML encryption keys, from pysaml2's ``encryption_keypairs`` (key and cert files)."""
    keys = []
    for pair in pairs:
        private = serialization.load_pem_private_key(Path(pair["key_file"]).read_bytes(),
                                                     password=None)
        if not isinstance(private, rsa.RSAPrivateKey):
            continue
        der = b""
        if pair.get("cert_file"):
            certificate = x509.load_pem_x509_certificate(Path(pair["cert_file"]).read_bytes())
            der = certificate.public_bytes(serialization.Encoding.DER)
        keys.append(DecryptionKey(private, der))
    return keys
