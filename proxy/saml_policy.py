"""What XML the proxy lets reach pysaml2 and ``xmlsec1``: checked before either sees it.

pysaml2 verifies signatures and decrypts with ``xmlsec1``, which runs whatever algorithm
a message names: SHA-1 signatures, XSLT transforms, RSA PKCS#1 v1.5 key transport, CBC
content encryption. :func:`check_xml_policy` refuses, on the parsed message and before
any signature check or decryption, everything outside these allow-lists (the accepted
algorithms are listed in docs/security.md).

Encryption (the GAR may encrypt assertions; observed integrations do not):

- key transport RSA-OAEP only, ``xmlenc#rsa-oaep-mgf1p`` or ``xmlenc11#rsa-oaep``, with a
  SHA-1/256/384/512 OAEP digest and MGF1. RSA PKCS#1 v1.5 (``xmlenc#rsa-1_5``) is the
  Bleichenbacher padding-oracle family: every decryption failure an attacker can tell
  apart leaks bits of the content key. SHA-1 stays allowed inside OAEP, unlike in
  signatures: OAEP needs no collision resistance from its hash (NIST SP 800-131A keeps
  SHA-1 for such uses), it is XML Encryption 1.0's default, and the only digest the
  ``xmlsec1`` 1.2 of Debian 12 decrypts with;
- content encryption AES-GCM only. AES-CBC and 3DES-CBC have no integrity: Jager and
  Somorovsky's "How to break XML Encryption" (CCS 2011) decrypts CBC ciphertexts through
  the service provider's parsing errors, whatever the key transport, and a signature
  inside the ciphertext is checked too late to stop it;
- no key agreement, no ``CipherReference`` (``xmlsec1`` would fetch its URI).
"""

from __future__ import annotations

import base64
import binascii

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring

from proxy.errors import SamlResponseRejected

DS = "http://www.w3.org/2000/09/xmldsig#"
XENC = "http://www.w3.org/2001/04/xmlenc#"
XENC11 = "http://www.w3.org/2009/xmlenc11#"
_DS, _XENC, _XENC11 = f"{{{DS}}}", f"{{{XENC}}}", f"{{{XENC11}}}"
_XINCLUDE = "{http://www.w3.org/2001/XInclude}"

ACCEPTED_SIGNATURE_METHODS = frozenset(
    f"http://www.w3.org/2001/04/xmldsig-more#rsa-sha{n}" for n in (256, 384, 512))
ACCEPTED_DIGEST_METHODS = frozenset({
    f"{XENC}sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384",
    f"{XENC}sha512",
})
ACCEPTED_TRANSFORMS = frozenset({f"{DS}enveloped-signature",
                                 "http://www.w3.org/2001/10/xml-exc-c14n#"})
ACCEPTED_CANONICALIZATIONS = frozenset({"http://www.w3.org/2001/10/xml-exc-c14n#"})

ACCEPTED_KEY_TRANSPORTS = frozenset({f"{XENC}rsa-oaep-mgf1p", f"{XENC11}rsa-oaep"})
ACCEPTED_OAEP_DIGESTS = ACCEPTED_DIGEST_METHODS | {f"{DS}sha1"}
ACCEPTED_OAEP_MGFS = frozenset(f"{XENC11}mgf1sha{n}" for n in (1, 256, 384, 512))
ACCEPTED_CONTENT_ENCRYPTIONS = frozenset(f"{XENC11}aes{n}-gcm" for n in (128, 192, 256))

SIGNATURE_REFUSED = "signature_algorithm_not_allowed"
ENCRYPTION_REFUSED = "encryption_algorithm_not_allowed"


def check_xml_policy(saml_response: str) -> None:
    """Refuse, before pysaml2 and ``xmlsec1`` see it, XML that our policy never accepts.

    No DTD at all (entities, external DTDs, billion laughs), no XInclude; for every
    signature RSA with SHA-256/384/512, SHA-256/384/512 digests, exclusive
    canonicalization and the enveloped-signature transform (no XSLT or XPath transforms,
    which ``xmlsec1`` would run; pysaml2 accepts SHA-1 on its own); for every encrypted
    part RSA-OAEP key transport and AES-GCM content encryption (module docstring).
    """
    try:
        document = safe_fromstring(base64.b64decode(saml_response),
                                   forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (binascii.Error, ValueError):
        raise SamlResponseRejected("not_base64") from None
    except DefusedXmlException:
        raise SamlResponseRejected("dtd_forbidden") from None
    except Exception:  # any parse error means "refuse"
        raise SamlResponseRejected("unparsable_xml") from None
    if any(element.tag.startswith(_XINCLUDE) for element in document.iter()):
        raise SamlResponseRejected("xinclude_forbidden")
    for signature in document.iter(f"{_DS}Signature"):
        _check_signature(signature)
    _check_encryption(document)


def _check_signature(signature) -> None:
    signed_info = signature.find(f"{_DS}SignedInfo")
    if signed_info is None:
        raise SamlResponseRejected("signature_without_signed_info")
    checks = [(f"{_DS}CanonicalizationMethod", ACCEPTED_CANONICALIZATIONS),
              (f"{_DS}SignatureMethod", ACCEPTED_SIGNATURE_METHODS),
              (f"{_DS}Reference/{_DS}DigestMethod", ACCEPTED_DIGEST_METHODS),
              (f"{_DS}Reference/{_DS}Transforms/{_DS}Transform", ACCEPTED_TRANSFORMS)]
    for path, accepted in checks:
        for element in signed_info.findall(path):
            if element.get("Algorithm") not in accepted:
                raise SamlResponseRejected(SIGNATURE_REFUSED)


def _check_encryption(document) -> None:
    """Every EncryptedData and EncryptedKey, wherever it sits, names an accepted algorithm."""
    if next(document.iter(f"{_XENC}CipherReference"), None) is not None:
        raise SamlResponseRejected("cipher_reference_forbidden")
    if next(document.iter(f"{_XENC}AgreementMethod"), None) is not None:
        raise SamlResponseRejected(ENCRYPTION_REFUSED)
    for data in document.iter(f"{_XENC}EncryptedData"):
        _algorithm(data, ACCEPTED_CONTENT_ENCRYPTIONS)
    for key in document.iter(f"{_XENC}EncryptedKey"):
        method = _algorithm(key, ACCEPTED_KEY_TRANSPORTS)
        parameters = [(f"{_DS}DigestMethod", ACCEPTED_OAEP_DIGESTS),
                      (f"{_XENC11}MGF", ACCEPTED_OAEP_MGFS)]
        for path, accepted in parameters:
            for element in method.findall(path):
                if element.get("Algorithm") not in accepted:
                    raise SamlResponseRejected(ENCRYPTION_REFUSED)


def _algorithm(element, accepted: frozenset[str]):
    """``element``'s EncryptionMethod, if present and accepted (no default is assumed)."""
    method = element.find(f"{_XENC}EncryptionMethod")
    if method is None or method.get("Algorithm") not in accepted:
        raise SamlResponseRejected(ENCRYPTION_REFUSED)
    return method
