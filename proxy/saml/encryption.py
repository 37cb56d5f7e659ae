"""Decrypting a ``saml:EncryptedAssertion`` in process (XML Encryption, cryptography).

Before any key is used, every declared algorithm is checked against
:mod:`proxy.saml.algorithms` (:func:`check_encryption`, also run on the whole message
before any cryptography): the content key is transported with RSA-OAEP only
(``xmlenc#rsa-oaep-mgf1p`` or ``xmlenc11#rsa-oaep``, with the listed OAEP digests and
MGF1 functions; never RSA PKCS#1 v1.5) and the assertion is encrypted with AES-GCM only
(never CBC); no key agreement, and nothing is fetched from a reference
(``CipherReference``). Those refusals are ``encryption_algorithm_not_allowed`` (and
``cipher_reference_forbidden``). The encrypted key is read where IdPs put it by default:
in the ``EncryptedData``'s ``KeyInfo``.

Every failure after the algorithm checks is the same refusal (``undecryptable_assertion``),
whatever went wrong (key, tag), and the browser gets the same page as for any refusal.
Decryption is not authentication: the caller still requires the decrypted assertion's
own signature.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from lxml import etree

from proxy.errors import SamlResponseRejected
from proxy.saml.algorithms import (
    CONTENT_ENCRYPTIONS,
    DS,
    ENCRYPTION_REFUSED,
    OAEP_DIGESTS,
    OAEP_MGFS,
    RSA_OAEP,
    RSA_OAEP_MGF1P,
    XENC,
    XENC11,
)

_X = f"{{{XENC}}}"
_X11 = f"{{{XENC11}}}"
_DS = f"{{{DS}}}"
_ELEMENT_TYPE = XENC + "Element"
_GCM_IV_BYTES = 12  # XML Encryption 1.1: IV (96 bits) || ciphertext || tag (128 bits)


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


def check_encryption(root: etree._Element) -> None:
    """Refuse a message in which any encrypted part names an algorithm not allowed.

    Every ``xenc:EncryptedData`` and ``xenc:EncryptedKey`` under ``root``, wherever it
    sits, must name its method (no default is assumed): AES-GCM for data, RSA-OAEP with
    an allowed digest and mask function for keys. No ``AgreementMethod``, no
    ``CipherReference``.
    """
    if next(root.iter(_X + "CipherReference"), None) is not None:
        raise SamlResponseRejected("cipher_reference_forbidden")
    if next(root.iter(_X + "AgreementMethod", _X11 + "AgreementMethod"), None) is not None:
        raise SamlResponseRejected(ENCRYPTION_REFUSED)
    for data in root.iter(_X + "EncryptedData"):
        if _method_of(data).get("Algorithm") not in CONTENT_ENCRYPTIONS:
            raise SamlResponseRejected(ENCRYPTION_REFUSED)
    for key in root.iter(_X + "EncryptedKey"):
        _oaep(_method_of(key))


def decrypt_assertion(encrypted_assertion: etree._Element,
                      keys: Sequence[DecryptionKey]) -> bytes:
    """The plaintext of ``encrypted_assertion`` (the serialized ``saml:Assertion``)."""
    check_encryption(encrypted_assertion)
    data = _one(encrypted_assertion, _X + "EncryptedData")
    if data.get("Type", _ELEMENT_TYPE) != _ELEMENT_TYPE:
        raise SamlResponseRejected("encrypted_assertion_malformed")
    key_size = CONTENT_ENCRYPTIONS[_method_of(data).get("Algorithm", "")]
    wrapped = [_encrypted_key(e) for e in data.findall(f"{_DS}KeyInfo/{_X}EncryptedKey")]
    if not wrapped:
        raise SamlResponseRejected("encrypted_assertion_malformed")
    ciphertext = _cipher_value(data)
    content_key = _unwrap(wrapped, keys, key_size)
    try:
        return AESGCM(content_key).decrypt(ciphertext[:_GCM_IV_BYTES],
                                           ciphertext[_GCM_IV_BYTES:], None)
    except (ValueError, InvalidTag):
        raise SamlResponseRejected("undecryptable_assertion") from None


def _method_of(element: etree._Element) -> etree._Element:
    """``element``'s one ``xenc:EncryptionMethod``; a refusal if it names none."""
    methods = element.findall(_X + "EncryptionMethod")
    if len(methods) != 1 or not methods[0].get("Algorithm"):
        raise SamlResponseRejected(ENCRYPTION_REFUSED)
    return methods[0]


def _oaep(method: etree._Element) -> padding.OAEP:
    """The RSA-OAEP padding a key transport ``EncryptionMethod`` declares, if allowed.

    ``rsa-oaep-mgf1p`` takes a digest (SHA-1 when absent) and fixes MGF1-SHA1;
    ``xmlenc11#rsa-oaep`` takes a digest and an ``MGF`` (MGF1-SHA1 when absent). Both
    take an optional label (``OAEPparams``). Any other parameter is refused.
    """
    transport = method.get("Algorithm")
    if transport not in (RSA_OAEP_MGF1P, RSA_OAEP):
        raise SamlResponseRejected(ENCRYPTION_REFUSED)
    digests = method.findall(_DS + "DigestMethod")
    mgfs = method.findall(_X11 + "MGF")
    labels = method.findall(_X + "OAEPparams")
    if (len(digests) > 1 or len(mgfs) > 1 or len(labels) > 1
            or len(method) != len(digests) + len(mgfs) + len(labels)
            or (mgfs and transport != RSA_OAEP)):
        raise SamlResponseRejected(ENCRYPTION_REFUSED)
    digest = OAEP_DIGESTS.get(digests[0].get("Algorithm", "") if digests else DS + "sha1")
    mask = OAEP_MGFS.get(mgfs[0].get("Algorithm", "") if mgfs else XENC11 + "mgf1sha1")
    if digest is None or mask is None:
        raise SamlResponseRejected(ENCRYPTION_REFUSED)
    label = _base64(labels[0]) if labels else b""
    return padding.OAEP(mgf=padding.MGF1(mask()), algorithm=digest(), label=label or None)


def _encrypted_key(element: etree._Element) -> _EncryptedKey:
    """An ``xenc:EncryptedKey``: its OAEP padding, ciphertext and named certificate."""
    certificate = element.find(f"{_DS}KeyInfo/{_DS}X509Data/{_DS}X509Certificate")
    return _EncryptedKey(
        cipher_value=_cipher_value(element),
        oaep=_oaep(_method_of(element)),
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


def _cipher_value(element: etree._Element) -> bytes:
    return _base64(_one(element, f"{_X}CipherData/{_X}CipherValue"))


def _one(parent: etree._Element, path: str) -> etree._Element:
    found = parent.findall(path)
    if len(found) != 1:
        raise SamlResponseRejected("encrypted_assertion_malformed")
    return found[0]


def _base64(element: etree._Element) -> bytes:
    try:
        return base64.b64decode("".join((element.text or "").split()), validate=True)
    except (binascii.Error, ValueError):
        raise SamlResponseRejected("encrypted_assertion_malformed") from None
