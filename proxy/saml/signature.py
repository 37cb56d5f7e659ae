"""Enveloped XML signatures of the SAML profile, verified in process (lxml + cryptography).

Only what SAML uses is implemented, and every declaration is checked before any
cryptography: one ``ds:Signature`` child of the signed element, one ``Reference`` whose
URI is ``#`` + that element's ``ID``, the enveloped-signature and exclusive c14n
transforms only, algorithms from :mod:`proxy.saml.algorithms`, no ``ds:Object``.
``KeyInfo`` is never read: the keys are the IdP's metadata certificates.

Canonicalization is libxml2's (the same C code ``xmlsec1`` runs), hashing and RSA are
OpenSSL's through ``cryptography``. The signed element is the signature's own parent,
never looked up by ID, and :func:`verify_enveloped` returns the exact bytes that were
digested, so what the caller reads is what was signed (no comment, no wrapping).
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree

from proxy.errors import SamlResponseRejected
from proxy.saml.algorithms import (
    ACCEPTED_CANONICALIZATIONS,
    ACCEPTED_TRANSFORMS,
    DIGEST_METHODS,
    DS,
    ENVELOPED_SIGNATURE,
    EXC_C14N,
    SIGNATURE_METHODS,
    SIGNATURE_REFUSED,
)

_DS = f"{{{DS}}}"
_EC = f"{{{EXC_C14N}}}"
SIGNATURE = _DS + "Signature"


def check_algorithms(signature: etree._Element) -> None:
    """Refuse a ``ds:Signature`` (anywhere in a message) naming an algorithm not allowed."""
    signed_info = signature.find(_DS + "SignedInfo")
    if signed_info is None:
        raise SamlResponseRejected("signature_without_signed_info")
    checks = [(_DS + "CanonicalizationMethod", ACCEPTED_CANONICALIZATIONS),
              (_DS + "SignatureMethod", SIGNATURE_METHODS),
              (f"{_DS}Reference/{_DS}DigestMethod", DIGEST_METHODS),
              (f"{_DS}Reference/{_DS}Transforms/{_DS}Transform", ACCEPTED_TRANSFORMS)]
    for path, accepted in checks:
        for element in signed_info.findall(path):
            if element.get("Algorithm") not in accepted:
                raise SamlResponseRejected(SIGNATURE_REFUSED)


def enveloped_signature(element: etree._Element) -> etree._Element | None:
    """The ``ds:Signature`` child of ``element``; a refusal if there are several."""
    signatures = element.findall(SIGNATURE)
    if len(signatures) > 1:
        raise SamlResponseRejected("several_signatures")
    return signatures[0] if signatures else None


def verify_enveloped(element: etree._Element,
                     keys: Sequence[rsa.RSAPublicKey]) -> bytes:
    """Verify the enveloped signature of ``element`` with one of ``keys``; return what it signs.

    The returned bytes are ``element`` without its signature, exclusively canonicalized:
    the digested octets. ``element``'s signature is detached from the tree on success.
    """
    signature = enveloped_signature(element)
    if signature is None:
        raise SamlResponseRejected("unsigned")
    declared = _declared(signature, element)
    signed_info = etree.tostring(declared.signed_info, method="c14n", exclusive=True,
                                 with_comments=False,
                                 inclusive_ns_prefixes=declared.signed_info_prefixes)
    if not any(_rsa_verifies(key, declared.signature_value, signed_info,
                             declared.signature_hash()) for key in keys):
        raise SamlResponseRejected("bad_signature")
    _detach(signature)
    signed = etree.tostring(element, method="c14n", exclusive=True, with_comments=False,
                            inclusive_ns_prefixes=declared.reference_prefixes)
    digest = hashes.Hash(declared.digest_hash())
    digest.update(signed)
    if not hmac.compare_digest(digest.finalize(), declared.digest_value):
        raise SamlResponseRejected("digest_mismatch")
    return bytes(signed)


@dataclass(frozen=True)
class _Declared:
    """What a signature declares, once checked against the SAML profile and the allow-lists."""

    signed_info: etree._Element
    signed_info_prefixes: list[str] | None
    signature_hash: type[hashes.HashAlgorithm]
    signature_value: bytes
    reference_prefixes: list[str] | None
    digest_hash: type[hashes.HashAlgorithm]
    digest_value: bytes


def _declared(signature: etree._Element, element: etree._Element) -> _Declared:
    check_algorithms(signature)
    if signature.find(_DS + "Object") is not None:
        raise SamlResponseRejected("signature_object_forbidden")
    signed_info = _one(signature, _DS + "SignedInfo")
    method = _one(signed_info, _DS + "SignatureMethod").get("Algorithm", "")
    reference = _one(signed_info, _DS + "Reference")
    element_id = element.get("ID")
    if not element_id or reference.get("URI") != f"#{element_id}":
        raise SamlResponseRejected("reference_not_to_signed_element")
    digest_method = _one(reference, _DS + "DigestMethod").get("Algorithm", "")
    return _Declared(
        signed_info=signed_info,
        signed_info_prefixes=_inclusive_prefixes(_one(signed_info,
                                                      _DS + "CanonicalizationMethod")),
        signature_hash=SIGNATURE_METHODS[method],
        signature_value=_base64(_one(signature, _DS + "SignatureValue")),
        reference_prefixes=_check_transforms(reference),
        digest_hash=DIGEST_METHODS[digest_method],
        digest_value=_base64(_one(reference, _DS + "DigestValue")),
    )


def _check_transforms(reference: etree._Element) -> list[str] | None:
    """Enveloped signature, then optionally exclusive c14n (with its prefix list)."""
    transforms = reference.findall(f"{_DS}Transforms/{_DS}Transform")
    algorithms = [t.get("Algorithm") for t in transforms]
    if len(reference.findall(_DS + "Transforms")) != 1 or algorithms not in (
            [ENVELOPED_SIGNATURE], [ENVELOPED_SIGNATURE, EXC_C14N]):
        raise SamlResponseRejected("signature_transforms_not_allowed")
    if len(transforms[0]):  # the enveloped-signature transform takes no parameter
        raise SamlResponseRejected("signature_transforms_not_allowed")
    return _inclusive_prefixes(transforms[1]) if len(transforms) == 2 else None


def _inclusive_prefixes(c14n: etree._Element) -> list[str] | None:
    """The ``InclusiveNamespaces PrefixList`` of an exclusive c14n declaration, if any."""
    children = list(c14n)
    if not children:
        return None
    if len(children) != 1 or children[0].tag != _EC + "InclusiveNamespaces":
        raise SamlResponseRejected("signature_transforms_not_allowed")
    return (children[0].get("PrefixList") or "").split() or None


def _one(parent: etree._Element, tag: str) -> etree._Element:
    found = parent.findall(tag)
    if len(found) != 1:
        raise SamlResponseRejected("signature_malformed")
    return found[0]


def _base64(element: etree._Element) -> bytes:
    try:
        value = base64.b64decode("".join((element.text or "").split()), validate=True)
    except (binascii.Error, ValueError):
        raise SamlResponseRejected("signature_malformed") from None
    if not value:
        raise SamlResponseRejected("signature_malformed")
    return value


def _rsa_verifies(key: rsa.RSAPublicKey, value: bytes, data: bytes,
                  algorithm: hashes.HashAlgorithm) -> bool:
    try:
        key.verify(value, data, padding.PKCS1v15(), algorithm)
    except InvalidSignature:
        return False
    return True


def _detach(signature: etree._Element) -> None:
    """Remove ``signature`` from its parent as the enveloped transform does (text kept).

    lxml moves an element's tail with it: the tail goes back where the element was.
    """
    parent = signature.getparent()
    previous = signature.getprevious()
    tail = signature.tail
    parent.remove(signature)
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
