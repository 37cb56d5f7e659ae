"""The encryption allow-list of proxy/saml_policy.py, algorithm by algorithm.

Whole encrypted logins (accepted and refused) are in
tests/flows/security/test_saml_encryption.py; here, every combination the policy must
tell apart, on a response carrying only the structure the check reads.
"""

from __future__ import annotations

import base64

import pytest

from proxy.errors import SamlResponseRejected
from proxy.saml_policy import ENCRYPTION_REFUSED, check_xml_policy

XENC = "http://www.w3.org/2001/04/xmlenc#"
XENC11 = "http://www.w3.org/2009/xmlenc11#"
DS = "http://www.w3.org/2000/09/xmldsig#"
OAEP = XENC + "rsa-oaep-mgf1p"
OAEP11 = XENC11 + "rsa-oaep"
GCM = XENC11 + "aes256-gcm"


def response(content: str | None = GCM, key_transport: str | None = OAEP,
             key_parameters: str = "", extra: str = "") -> str:
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
    return base64.b64encode(xml.encode()).decode()


def digest(algorithm: str) -> str:
    return f'<ds:DigestMethod Algorithm="{algorithm}"/>'


def mgf(algorithm: str) -> str:
    return f'<xenc11:MGF Algorithm="{XENC11}{algorithm}"/>'


@pytest.mark.parametrize("encoded", [
    pytest.param(response(), id="oaep-mgf1p-default-digest-aes256-gcm"),
    pytest.param(response(XENC11 + "aes128-gcm"), id="aes128-gcm"),
    pytest.param(response(XENC11 + "aes192-gcm"), id="aes192-gcm"),
    pytest.param(response(key_parameters=digest(DS + "sha1")), id="oaep-mgf1p-sha1"),
    pytest.param(response(key_parameters=digest(XENC + "sha256")), id="oaep-mgf1p-sha256"),
    pytest.param(response(key_transport=OAEP11), id="xmlenc11-oaep-defaults"),
    pytest.param(response(key_transport=OAEP11,
                          key_parameters=digest(XENC + "sha512") + mgf("mgf1sha256")),
                 id="xmlenc11-oaep-sha512-mgf1sha256"),
])
def test_rsa_oaep_with_aes_gcm_passes(encoded):
    check_xml_policy(encoded)


@pytest.mark.parametrize("encoded", [
    pytest.param(response(key_transport=XENC + "rsa-1_5"), id="rsa-1_5"),
    pytest.param(response(key_transport=XENC + "kw-aes256"), id="symmetric-key-wrap"),
    pytest.param(response(key_transport=None), id="key-transport-unnamed"),
    pytest.param(response(key_parameters=digest(DS + "md5")), id="oaep-md5-digest"),
    pytest.param(response(key_transport=OAEP11, key_parameters=mgf("mgf1sha224")),
                 id="xmlenc11-oaep-mgf1sha224"),
    pytest.param(response(XENC + "aes128-cbc"), id="aes128-cbc"),
    pytest.param(response(XENC + "aes256-cbc"), id="aes256-cbc"),
    pytest.param(response(XENC + "tripledes-cbc"), id="tripledes-cbc"),
    pytest.param(response(None), id="content-encryption-unnamed"),
    pytest.param(response(extra=f'<xenc:AgreementMethod Algorithm="{XENC11}ECDH-ES"/>'),
                 id="key-agreement"),
])
def test_anything_else_is_refused(encoded):
    with pytest.raises(SamlResponseRejected) as refused:
        check_xml_policy(encoded)
    assert refused.value.code == ENCRYPTION_REFUSED


def test_a_cipher_reference_is_refused():
    """``xmlsec1`` would fetch the ciphertext from the URI it names."""
    reference = '<xenc:CipherReference URI="file:///etc/passwd"/>'
    encoded = response(extra=f"<xenc:EncryptedKey><xenc:EncryptionMethod Algorithm='{OAEP}'/>"
                             f"<xenc:CipherData>{reference}</xenc:CipherData>"
                             "</xenc:EncryptedKey>")
    with pytest.raises(SamlResponseRejected) as refused:
        check_xml_policy(encoded)
    assert refused.value.code == "cipher_reference_forbidden"
