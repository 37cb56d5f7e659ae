"""The algorithms the proxy accepts in a GAR message, and nothing else (allow-lists).

Checked on the message's own declarations before any cryptography runs: a signature
or an encrypted assertion that names anything outside these lists is refused unread.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes

DS = "http://www.w3.org/2000/09/xmldsig#"
XENC = "http://www.w3.org/2001/04/xmlenc#"
XENC11 = "http://www.w3.org/2009/xmlenc11#"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
ENVELOPED_SIGNATURE = DS + "enveloped-signature"

SIGNATURE_METHODS: dict[str, type[hashes.HashAlgorithm]] = {
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": hashes.SHA256,
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384": hashes.SHA384,
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": hashes.SHA512,
}
"""RSA PKCS#1 v1.5 with SHA-2. No SHA-1, no HMAC (key confusion), no DSA/ECDSA."""

DIGEST_METHODS: dict[str, type[hashes.HashAlgorithm]] = {
    XENC + "sha256": hashes.SHA256,
    "http://www.w3.org/2001/04/xmldsig-more#sha384": hashes.SHA384,
    XENC + "sha512": hashes.SHA512,
}

ACCEPTED_SIGNATURE_METHODS = frozenset(SIGNATURE_METHODS)

# what the proxy itself signs its AuthnRequests with (and says so in its SP configuration)
SIGNATURE_ALGORITHM = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
DIGEST_ALGORITHM = XENC + "sha256"
ACCEPTED_DIGEST_METHODS = frozenset(DIGEST_METHODS)
ACCEPTED_CANONICALIZATIONS = frozenset({EXC_C14N})
"""Exclusive canonicalization without comments: a comment never counts as signed."""
ACCEPTED_TRANSFORMS = frozenset({ENVELOPED_SIGNATURE, EXC_C14N})
"""No XSLT, XPath or base64 transform: nothing in a message is ever run."""

SIGNATURE_REFUSED = "signature_algorithm_not_allowed"
ENCRYPTION_REFUSED = "encryption_algorithm_not_allowed"
"""The refusal codes (log, audit, metrics) of a message naming an algorithm not listed."""

# Encryption (the GAR may encrypt assertions; observed integrations do not). The table,
# with the reasons, is in docs/security.md and docs/adr/0015-encryption-algorithms.md.

RSA_OAEP_MGF1P = XENC + "rsa-oaep-mgf1p"
RSA_OAEP = XENC11 + "rsa-oaep"
ACCEPTED_KEY_TRANSPORTS = frozenset({RSA_OAEP_MGF1P, RSA_OAEP})
"""RSA-OAEP only: RSA PKCS#1 v1.5 (``rsa-1_5``) is the Bleichenbacher padding-oracle family:
every decryption failure an attacker can tell apart leaks bits of the content key. No
symmetric key wrap, no key agreement."""

OAEP_DIGESTS: dict[str, type[hashes.HashAlgorithm]] = {
    DS + "sha1": hashes.SHA1,
    **DIGEST_METHODS,
}
"""OAEP's digest (``ds:DigestMethod``, SHA-1 when absent). SHA-1 is kept here, not in
signatures: OAEP needs no collision resistance from its hash (NIST SP 800-131A keeps
SHA-1 for such uses), and it is XML Encryption's default."""
ACCEPTED_OAEP_DIGESTS = frozenset(OAEP_DIGESTS)

OAEP_MGFS: dict[str, type[hashes.HashAlgorithm]] = {
    XENC11 + "mgf1sha1": hashes.SHA1,
    XENC11 + "mgf1sha256": hashes.SHA256,
    XENC11 + "mgf1sha384": hashes.SHA384,
    XENC11 + "mgf1sha512": hashes.SHA512,
}
"""OAEP's mask generation (``xenc11:MGF``, MGF1-SHA1 when absent): ``xmlenc11#rsa-oaep``
only, ``rsa-oaep-mgf1p`` fixes MGF1 with SHA-1."""
ACCEPTED_OAEP_MGFS = frozenset(OAEP_MGFS)

CONTENT_ENCRYPTIONS: dict[str, int] = {
    XENC11 + "aes128-gcm": 16,
    XENC11 + "aes192-gcm": 24,
    XENC11 + "aes256-gcm": 32,
}
"""AES-GCM only (key bytes). AES-CBC and Triple DES CBC have no integrity: Jager and
Somorovsky's "How to break XML Encryption" (CCS 2011) decrypts CBC ciphertexts through
the service provider's parsing errors, whatever the key transport, and the signature
inside the ciphertext is checked too late to stop it."""
ACCEPTED_CONTENT_ENCRYPTIONS = frozenset(CONTENT_ENCRYPTIONS)
