"""Decrypting a ``saml:EncryptedAssertion`` in process (XML Encryption, cryptography).

Before any key is used, every declared algorithm is checked: the content key is
transported with RSA-OAEP only (never RSA PKCS#1 v1.5) and the assertion is encrypted
with AES-GCM or AES-CBC only (never Triple DES); nothing is fetched from a reference
(``CipherReference``, ``RetrievalMethod``). The encrypted key is read where IdPs put it
by default and where ``xmlsec1`` found it: in the ``EncryptedData``'s ``KeyInfo``.

Every failure after the algorithm checks is the same refusal (``undecryptable_assertion``),
whatever went wrong (key, padding, tag), and the browser gets the same page as for any
refusal. Decryption is not authentication: the caller still requires the decrypted
assertion's own signature.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from lxml import etree

from proxy.errors import SamlResponseRejected
from proxy.saml.algorithms import (
    ACCEPTED_KEY_TRANSPORTS,
    ACCEPTED_OAEP_DIGESTS,
    CONTENT_ENCRYPTIONS,
    DS,
    XENC,
)

_X = f"{{{XENC}}}"
_DS = f"{{{DS}}}"
_ELEMENT_TYPE = XENC + "Element"


@dataclass(frozen=True)
class DecryptionKey:
    """One of the proxy's SAML encryption keys, and its certificate (DER) if known."""

    private_key: rsa.RSAPrivateKey
    certificate_der: bytes = b""


@dataclass(frozen=True)
class _EncryptedKey:
    cipher_value: bytes
    oaep: padding.OAEP
    certificate_der: bytes


def decrypt_assertion(encrypted_assertion: etree._Element,
                      keys: Sequence[DecryptionKey]) -> bytes:
    """The plaintext of ``encrypted_assertion`` (the serialized ``saml:Assertion``)."""
    data = _one(encrypted_assertion, _X + "EncryptedData", "encrypted_assertion_malformed")
    if data.get("Type", _ELEMENT_TYPE) != _ELEMENT_TYPE:
        raise SamlResponseRejected("encrypted_assertion_malformed")
    method = _one(data, _X + "EncryptionMethod", "encrypted_assertion_malformed")
    content = CONTENT_ENCRYPTIONS.get(method.get("Algorithm", ""))
    if content is None:
        raise SamlResponseRejected("encryption_algorithm_not_allowed")
    wrapped = [_encrypted_key(e) for e in data.findall(f"{_DS}KeyInfo/{_X}EncryptedKey")]
    if not wrapped:
        raise SamlResponseRejected("encrypted_assertion_malformed")
    ciphertext = _cipher_value(data)
    mode, size = content
    content_key = _unwrap(wrapped, keys, size)
    try:
        return _decrypt_content(mode, content_key, ciphertext)
    except (ValueError, InvalidTag):
        raise SamlResponseRejected("undecryptable_assertion") from None


def _encrypted_key(element: etree._Element) -> _EncryptedKey:
    """An ``xenc:EncryptedKey``, its key transport checked against the allow-list."""
    method = _one(element, _X + "EncryptionMethod", "encrypted_assertion_malformed")
    if method.get("Algorithm", "") not in ACCEPTED_KEY_TRANSPORTS:
        raise SamlResponseRejected("key_transport_not_allowed")
    digests = [d.get("Algorithm", "") for d in method.findall(_DS + "DigestMethod")]
    params = method.findall(_X + "OAEPparams")
    if (any(d not in ACCEPTED_OAEP_DIGESTS for d in digests) or len(params) > 1
            or len(method) > len(digests) + len(params)):
        raise SamlResponseRejected("key_transport_not_allowed")  # another digest, an MGF
    certificate = element.find(f"{_DS}KeyInfo/{_DS}X509Data/{_DS}X509Certificate")
    label = _base64(params[0]) if params else b""
    return _EncryptedKey(
        cipher_value=_cipher_value(element),
        oaep=padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(),
                          label=label or None),
        certificate_der=_base64(certificate) if certificate is not None else b"",
    )


def _unwrap(wrapped: list[_EncryptedKey], keys: Sequence[DecryptionKey], size: int) -> bytes:
    """The content key: each encrypted key with each of our keys, the named one first."""
    for candidate in wrapped:
        ordered = sorted(keys, key=lambda k: k.certificate_der != candidate.certificate_der)
        for key in ordered:
            try:
                content_key = key.private_key.decrypt(candidate.cipher_value, candidate.oaep)
            except ValueError:
                continue
            if len(content_key) == size:
                return content_key
    raise SamlResponseRejected("undecryptable_assertion")


def _decrypt_content(mode: str, key: bytes, ciphertext: bytes) -> bytes:
    if mode == "gcm":  # IV (96 bits) || ciphertext || tag (128 bits), XML Encryption 1.1
        return AESGCM(key).decrypt(ciphertext[:12], ciphertext[12:], None)
    iv, body = ciphertext[:16], ciphertext[16:]
    if not body or len(body) % 16:
        raise ValueError("not whole blocks")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    plain = decryptor.update(body) + decryptor.finalize()
    pad = plain[-1]  # XML Encryption padding: only the last octet is meaningful
    if not 1 <= pad <= 16:
        raise ValueError("bad padding")
    return plain[:-pad]


def _cipher_value(element: etree._Element) -> bytes:
    if element.find(f"{_X}CipherData/{_X}CipherReference") is not None:
        raise SamlResponseRejected("encrypted_assertion_malformed")  # never fetched
    value = _one(element, f"{_X}CipherData/{_X}CipherValue", "encrypted_assertion_malformed")
    return _base64(value)


def _one(parent: etree._Element, path: str, code: str) -> etree._Element:
    found = parent.findall(path)
    if len(found) != 1:
        raise SamlResponseRejected(code)
    return found[0]


def _base64(element: etree._Element) -> bytes:
    try:
        return base64.b64decode("".join((element.text or "").split()), validate=True)
    except (binascii.Error, ValueError):
        raise SamlResponseRejected("encrypted_assertion_malformed") from None

