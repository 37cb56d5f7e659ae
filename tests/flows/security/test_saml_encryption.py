"""Encrypted assertions: RSA-OAEP key transport and AES-GCM content, nothing weaker.

Each encrypted assertion is a real one: the simulator's genuine signed assertion,
encrypted for the proxy's own encryption certificate by tests/support/saml_forge.py
(lxml + cryptography, never pysaml2 nor ``xmlsec1``), so that ``xmlsec1`` would decrypt
every one of them. RSA PKCS#1 v1.5 key transport (Bleichenbacher's padding oracle) and
CBC content encryption ("How to break XML Encryption") were accepted before; now they
are refused with the French page before any decryption is attempted, with the reason
``encryption_algorithm_not_allowed`` in the log, the audit and the metrics.
"""

from __future__ import annotations

import pytest
from saml2.sigver import CryptoBackendXmlSec1

from proxy.keys import load_keys
from proxy.metrics import REGISTRY
from proxy.saml_policy import ENCRYPTION_REFUSED
from proxy.settings import ProxySettings
from tests.flows.security.conftest import (
    PUPIL,
    PYSAML2_TMPFILE_LEAK,
    assert_accepted_as,
    assert_refused,
)
from tests.support import saml_forge as forge

pytestmark = PYSAML2_TMPFILE_LEAK


@pytest.fixture
def encryption_cert(stack) -> bytes:
    """The certificate the proxy's SP metadata offers the GAR for encryption."""
    return load_keys(ProxySettings.from_env(stack.env)).saml_encryption_cert.read_bytes()


@pytest.fixture
def decryptions(monkeypatch) -> list[str]:
    """Every ``xmlsec1 --decrypt`` pysaml2 starts during the test (calls still go through)."""
    calls: list[str] = []
    decrypt = CryptoBackendXmlSec1.decrypt

    def counted(self, enctext, key_file):
        calls.append(key_file)
        return decrypt(self, enctext, key_file)

    monkeypatch.setattr(CryptoBackendXmlSec1, "decrypt", counted)
    return calls


def refusals(reason: str) -> float:
    return REGISTRY.get_sample_value("pixgar_proxy_logins_total", {
        "outcome": "refused", "reason": reason, "client": "pix"}) or 0.0


@pytest.mark.parametrize("content", [forge.AES256_GCM, forge.AES128_GCM],
                         ids=["aes256-gcm", "aes128-gcm"])
def test_rsa_oaep_with_aes_gcm_is_decrypted_and_accepted(attempt, encryption_cert,
                                                         decryptions, content):
    response = forge.encrypt_assertion(attempt.genuine(sign_response=False), encryption_cert,
                                       key_transport=forge.RSA_OAEP_MGF1P, content=content)
    assert forge.assertion_of(response) is None  # only the EncryptedAssertion is left

    page = attempt.post(response)

    assert_accepted_as(attempt, page, PUPIL)
    assert decryptions, "the assertion was not decrypted by xmlsec1"


@pytest.mark.parametrize(("key_transport", "content"), [
    pytest.param(forge.RSA_1_5, forge.AES256_GCM, id="rsa-1_5-key-transport"),
    pytest.param(forge.RSA_1_5, forge.AES128_CBC, id="rsa-1_5-and-aes128-cbc"),
    pytest.param(forge.RSA_OAEP_MGF1P, forge.AES128_CBC, id="aes128-cbc-content"),
    pytest.param(forge.RSA_OAEP_MGF1P, forge.AES256_CBC, id="aes256-cbc-content"),
    pytest.param(forge.RSA_OAEP_MGF1P, forge.TRIPLEDES_CBC, id="tripledes-cbc-content"),
])
def test_weak_key_transport_or_content_encryption_is_refused_before_decryption(
        attempt, encryption_cert, decryptions, pix_db, all_logs, key_transport, content):
    response = forge.encrypt_assertion(attempt.genuine(sign_response=False), encryption_cert,
                                       key_transport=key_transport, content=content)
    before = refusals(ENCRYPTION_REFUSED)

    page = attempt.post(response)

    assert_refused(attempt, page, pix_db, all_logs)
    assert decryptions == [], "xmlsec1 was asked to decrypt it"
    refused = [r.getMessage() for r in all_logs.records if r.name == "proxy.security"]
    assert f"code={ENCRYPTION_REFUSED}" in refused[0]
    assert refusals(ENCRYPTION_REFUSED) == before + 1  # metrics (and the audit: its id
    assert "Référence de l'erreur" in page.text         # is the page's reference)
