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
ACCEPTED_DIGEST_METHODS = frozenset(DIGEST_METHODS)
ACCEPTED_CANONICALIZATIONS = frozenset({EXC_C14N})
"""Exclusive canonicalization without comments: a comment never counts as signed."""
ACCEPTED_TRANSFORMS = frozenset({ENVELOPED_SIGNATURE, EXC_C14N})
"""No XSLT, XPath or base64 transform: nothing in a message is ever run."""

RSA_OAEP_MGF1P = XENC + "rsa-oaep-mgf1p"
RSA_1_5 = XENC + "rsa-1_5"
ACCEPTED_KEY_TRANSPORTS = frozenset({RSA_OAEP_MGF1P})
"""RSA-OAEP only: RSA PKCS#1 v1.5 (``rsa-1_5``) is the Bleichenbacher padding-oracle family.

With SHA-1 as OAEP's digest and mask function (SHA-1 is not used for collisions there):
the only RSA-OAEP that the ``xmlsec1`` 1.2 the proxy ran before opened; XML Encryption
1.1's ``rsa-oaep`` and other OAEP digests can be added when an IdP needs them."""
ACCEPTED_OAEP_DIGESTS = frozenset({DS + "sha1"})

CONTENT_ENCRYPTIONS: dict[str, tuple[str, int]] = {
    XENC11 + "aes128-gcm": ("gcm", 16),
    XENC11 + "aes192-gcm": ("gcm", 24),
    XENC11 + "aes256-gcm": ("gcm", 32),
    XENC + "aes128-cbc": ("cbc", 16),
    XENC + "aes192-cbc": ("cbc", 24),
    XENC + "aes256-cbc": ("cbc", 32),
}
"""AES only (mode, key bytes). Triple DES (64-bit blocks) is refused."""
ACCEPTED_CONTENT_ENCRYPTIONS = frozenset(CONTENT_ENCRYPTIONS)
