"""Encrypted assertions: the allow-list, algorithm by algorithm, and real decryptions.

The allow-list (``check_encryption``) on documents carrying only the structure it reads;
then every accepted combination of key transport, OAEP digest, mask function and content
encryption on a genuine signed assertion encrypted for the SP's key, by the tests'
forger (lxml + cryptography) and, where it can, by the ``xmlsec1`` program itself. Whole
encrypted logins (accepted and refused) are in tests/flows/security/test_saml_encryption.py.
"""

from __future__ import annotations

import base64
import copy
import subprocess
from pathlib import Path

import pytest
from lxml import etree
from saml2.sigver import get_xmlsec_binary

from gar_sim.users import get_user
from proxy.errors import SamlResponseRejected
from proxy.saml.algorithms import ENCRYPTION_REFUSED
from proxy.saml.encryption import check_encryption, decrypt_assertion
from proxy.saml.keys import decryption_keys
from proxy.saml.response import ENCRYPTED_ASSERTION
from proxy.saml.xml import parse
from tests.support import saml_forge as forge
from tests.support.saml_corpus import PUPIL

XENC = forge.XENC
XENC11 = forge.XENC11
DS = forge.DS
OAEP = forge.RSA_OAEP_MGF1P
OAEP11 = forge.RSA_OAEP
GCM = forge.AES256_GCM
NS = {**forge.NS, "xenc": XENC}


# -- the allow-list alone ---------------------------------------------------------------

def response(content: str | None = GCM, key_transport: str | None = OAEP,
             key_parameters: str = "", extra: str = "") -> etree._Element:
    """A response whose assertion is encrypted as described (ciphertexts are dummies)."""
    content_method = f'<xenc:EncryptionMethod Algorithm="{content}"/>' if content else ""
    key_method = (f'<xenc:EncryptionMethod Algorithm="{key_transport}">{key_parameters}'
                  "</xenc:EncryptionMethod>" if key_transport else "")
    xml = f"""<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"
        xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xenc="{XENC}"
        xmlns:xenc11="{XENC11}" xmlns:ds="{DS}" ID="_r" Version="2.0">
      <saml:EncryptedAssertion>
        <xenc:EncryptedData Type="{XENC}Element">{content_method}
          <ds:KeyInfo><xenc:EncryptedKey>{key_method}
            <xenc:CipherData><xenc:CipherValue>AAAA</xenc:CipherValue></xenc:CipherData>
          </xenc:EncryptedKey>{extra}</ds:KeyInfo>
          <xenc:CipherData><xenc:CipherValue>AAAA</xenc:CipherValue></xenc:CipherData>
        </xenc:EncryptedData>
      </saml:EncryptedAssertion>
    </samlp:Response>"""
    return parse(xml.encode())


def digest(algorithm: str) -> str:
    return f'<ds:DigestMethod Algorithm="{algorithm}"/>'


def mgf(algorithm: str) -> str:
    return f'<xenc11:MGF Algorithm="{XENC11}{algorithm}"/>'


@pytest.mark.parametrize("document", [
    pytest.param(response(), id="oaep-mgf1p-default-digest-aes256-gcm"),
    pytest.param(response(XENC11 + "aes128-gcm"), id="aes128-gcm"),
    pytest.param(response(XENC11 + "aes192-gcm"), id="aes192-gcm"),
    pytest.param(response(key_parameters=digest(DS + "sha1")), id="oaep-mgf1p-sha1"),
    pytest.param(response(key_parameters=digest(XENC + "sha256")), id="oaep-mgf1p-sha256"),
    pytest.param(response(key_parameters="<xenc:OAEPparams>AAAA</xenc:OAEPparams>"),
                 id="oaep-mgf1p-label"),
    pytest.param(response(key_transport=OAEP11), id="xmlenc11-oaep-defaults"),
    pytest.param(response(key_transport=OAEP11,
                          key_parameters=digest(XENC + "sha512") + mgf("mgf1sha256")),
                 id="xmlenc11-oaep-sha512-mgf1sha256"),
])
def test_rsa_oaep_with_aes_gcm_passes(document):
    check_encryption(document)


@pytest.mark.parametrize("document", [
    pytest.param(response(key_transport=XENC + "rsa-1_5"), id="rsa-1_5"),
    pytest.param(response(key_transport=XENC + "kw-aes256"), id="symmetric-key-wrap"),
    pytest.param(response(key_transport=None), id="key-transport-unnamed"),
    pytest.param(response(key_parameters=digest(DS + "md5")), id="oaep-md5-digest"),
    pytest.param(response(key_transport=OAEP11, key_parameters=mgf("mgf1sha224")),
                 id="xmlenc11-oaep-mgf1sha224"),
    pytest.param(response(key_parameters=mgf("mgf1sha256")), id="oaep-mgf1p-with-an-mgf"),
    pytest.param(response(key_parameters=digest(DS + "sha1") * 2), id="two-oaep-digests"),
    pytest.param(response(key_parameters="<xenc:KeySize>128</xenc:KeySize>"),
                 id="unknown-key-transport-parameter"),
    pytest.param(response(XENC + "aes128-cbc"), id="aes128-cbc"),
    pytest.param(response(XENC + "aes256-cbc"), id="aes256-cbc"),
    pytest.param(response(XENC + "tripledes-cbc"), id="tripledes-cbc"),
    pytest.param(response(None), id="content-encryption-unnamed"),
    pytest.param(response(extra=f'<xenc:AgreementMethod Algorithm="{XENC11}ECDH-ES"/>'),
                 id="key-agreement"),
])
def test_anything_else_is_refused(document):
    with pytest.raises(SamlResponseRejected) as refused:
        check_encryption(document)
    assert refused.value.code == ENCRYPTION_REFUSED


def test_a_cipher_reference_is_refused():
    """Nothing is fetched from the URI it names (``xmlsec1`` would have)."""
    reference = '<xenc:CipherReference URI="file:///etc/passwd"/>'
    document = response(extra=f"<xenc:EncryptedKey><xenc:EncryptionMethod Algorithm='{OAEP}'/>"
                              f"<xenc:CipherData>{reference}</xenc:CipherData>"
                              "</xenc:EncryptedKey>")
    with pytest.raises(SamlResponseRejected) as refused:
        check_encryption(document)
    assert refused.value.code == "cipher_reference_forbidden"


# -- real documents ---------------------------------------------------------------------

DIGESTS = [None, forge.SHA1, forge.SHA256, forge.SHA384, forge.SHA512]
MGFS = [None, forge.MGF1_SHA1, forge.MGF1_SHA256, forge.MGF1_SHA384, forge.MGF1_SHA512]


def _tail(uri: str | None) -> str:
    return uri.rsplit("#", 1)[-1] if uri else "default"


KEY_TRANSPORTS = [
    *[pytest.param(OAEP, d, None, id=f"mgf1p-{_tail(d)}") for d in DIGESTS],
    *[pytest.param(OAEP11, d, m, id=f"xmlenc11-{_tail(d)}-{_tail(m)}")
      for d in DIGESTS for m in MGFS],
]
CONTENTS = [pytest.param(c, id=c.rsplit("#", 1)[-1])
            for c in (forge.AES128_GCM, forge.AES192_GCM, forge.AES256_GCM)]


@pytest.fixture(scope="module")
def genuine(world) -> etree._Element:
    """A genuine response whose assertion the simulator signed (not yet encrypted)."""
    return world.response(sign_response=False)


def _canonical(assertion: etree._Element) -> bytes:
    return etree.tostring(assertion, method="c14n", exclusive=True, with_comments=False)


def _opened(world, response: etree._Element) -> bytes:
    keys = decryption_keys(world.client.config.encryption_keypairs)
    return _canonical(parse(decrypt_assertion(response.find(ENCRYPTED_ASSERTION), keys)))


@pytest.mark.parametrize("content", CONTENTS)
@pytest.mark.parametrize(("key_transport", "oaep_digest", "mask"), KEY_TRANSPORTS)
def test_every_accepted_combination_opens_to_the_assertion(world, genuine, key_transport,
                                                           oaep_digest, mask, content):
    response = copy.deepcopy(genuine)
    expected = _canonical(forge.assertion_of(response))
    forge.encrypt_assertion(response, world.encryption_cert_pem, content=content,
                            key_transport=key_transport, oaep_digest=oaep_digest, mgf=mask)

    assert _opened(world, response) == expected


def test_an_oaep_label_is_used(world, genuine):
    response = copy.deepcopy(genuine)
    expected = _canonical(forge.assertion_of(response))
    forge.encrypt_assertion(response, world.encryption_cert_pem, oaep_label=b"pix-gar")

    assert _opened(world, response) == expected


@pytest.mark.parametrize("edit", [
    pytest.param(lambda data: _flip_last_byte(data.find("xenc:CipherData/xenc:CipherValue",
                                                        NS)), id="ciphertext-tampered"),
    pytest.param(lambda data: data.find(
        "ds:KeyInfo/xenc:EncryptedKey/xenc:EncryptionMethod", NS).append(etree.fromstring(
            f'<ds:DigestMethod xmlns:ds="{DS}" Algorithm="{forge.SHA256}"/>')),
        id="declared-digest-not-the-one-used"),
    pytest.param(lambda data: _flip_last_byte(data.find(
        "ds:KeyInfo/xenc:EncryptedKey/xenc:CipherData/xenc:CipherValue", NS)),
        id="wrapped-key-tampered"),
])
def test_a_document_that_does_not_open_is_one_refusal(world, genuine, edit):
    response = copy.deepcopy(genuine)
    forge.encrypt_assertion(response, world.encryption_cert_pem)
    edit(response.find("saml:EncryptedAssertion/xenc:EncryptedData", NS))

    with pytest.raises(SamlResponseRejected, match="undecryptable_assertion"):
        _opened(world, response)


def test_an_assertion_encrypted_for_another_key_is_refused(world, genuine):
    response = copy.deepcopy(genuine)
    forge.encrypt_assertion(response, forge.attacker_keys().cert_pem)

    with pytest.raises(SamlResponseRejected, match="undecryptable_assertion"):
        _opened(world, response)


def _flip_last_byte(cipher_value: etree._Element) -> None:
    raw = bytearray(base64.b64decode(cipher_value.text))
    raw[-1] ^= 1
    cipher_value.text = base64.b64encode(bytes(raw)).decode("ascii")


# -- documents encrypted by xmlsec1 ----------------------------------------------------

XMLSEC1_PARAMETERS = {  # what xmlsec1 1.2.37 encrypts with (rsa-oaep-mgf1p, SHA-1 only)
    "default-digest": "",
    "sha1-declared": digest(DS + "sha1"),
    "label": "<xenc:OAEPparams>cGl4LWdhcg==</xenc:OAEPparams>",
}


def _xmlsec1_encrypted(world, response: etree._Element, size: int, parameters: str,
                       tmp: Path) -> etree._Element:
    """``response`` with its assertion encrypted by ``xmlsec1 --encrypt`` (AES-GCM, OAEP)."""
    assertion = forge.assertion_of(response)
    standalone = etree.tostring(assertion)  # declares its namespaces, as IdPs encrypt it
    placeholder = etree.Element("placeholder")
    response.replace(assertion, placeholder)
    (tmp / "response.xml").write_bytes(etree.tostring(response).replace(
        b"<placeholder/>",
        b'<saml:EncryptedAssertion xmlns:saml="%s">%s</saml:EncryptedAssertion>'
        % (forge.SAML.encode(), standalone)))
    (tmp / "template.xml").write_text(
        f'<xenc:EncryptedData xmlns:xenc="{XENC}" xmlns:ds="{DS}" Type="{XENC}Element">'
        f'<xenc:EncryptionMethod Algorithm="{XENC11}aes{size}-gcm"/>'
        f'<ds:KeyInfo><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="{OAEP}">'
        f"{parameters}</xenc:EncryptionMethod><xenc:CipherData><xenc:CipherValue/>"
        "</xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>"
        "<xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedData>")
    (tmp / "sp-enc.crt").write_bytes(world.encryption_cert_pem)
    encrypted = subprocess.run(
        [get_xmlsec_binary(), "--encrypt", "--pubkey-cert-pem", str(tmp / "sp-enc.crt"),
         "--session-key", f"aes-{size}", "--xml-data", str(tmp / "response.xml"),
         "--node-xpath", "//*[local-name()='EncryptedAssertion']/*",
         str(tmp / "template.xml")], capture_output=True, check=True).stdout
    return parse(encrypted)


@pytest.mark.parametrize("size", [128, 192, 256])
@pytest.mark.parametrize("parameters", XMLSEC1_PARAMETERS)
def test_an_assertion_encrypted_by_xmlsec1_is_read(world, genuine, tmp_path, size,
                                                   parameters):
    response = copy.deepcopy(genuine)
    expected = _canonical(forge.assertion_of(response))
    encrypted = _xmlsec1_encrypted(world, response, size, XMLSEC1_PARAMETERS[parameters],
                                   tmp_path)
    assert forge.assertion_of(encrypted) is None

    assert _opened(world, encrypted) == expected
    read = world.reader().read(forge.encode(encrypted))
    assert read.attributes["IDO"] == [get_user(PUPIL).ido]
