"""Encrypted assertions at the ACS: RSA-OAEP key transport and AES-GCM content, nothing weaker.

Each encrypted assertion is a real one: the simulator's genuine signed assertion,
encrypted for the proxy's own encryption certificate by tests/support/saml_forge.py
(lxml + cryptography, never pysaml2, ``xmlsec1`` nor the proxy's code). The proxy
decrypts in process (``proxy/saml``). RSA PKCS#1 v1.5 key transport (Bleichenbacher's
padding oracle), Triple DES and AES-CBC content ("How to break XML Encryption") were
accepted before (pysaml2 handed them to ``xmlsec1 --decrypt``); now they are refused with
the French page before the proxy's key is used, with the reason
``encryption_algorithm_not_allowed`` in the log, the audit and the metrics.
"""

from __future__ import annotations

import pytest

from proxy.keys.files import load_keys
from proxy.observability.metrics import REGISTRY
from proxy.saml import encryption
from proxy.saml.algorithms import ENCRYPTION_REFUSED
from proxy.settings import ProxySettings
from tests.flows.security.conftest import PUPIL, assert_accepted_as, assert_refused
from tests.support import saml_forge as forge

ACCEPTED = {
    "aes256-gcm": {"content": forge.AES256_GCM},
    "aes128-gcm": {"content": forge.AES128_GCM},
    "aes256-gcm-oaep-sha1-declared": {"content": forge.AES256_GCM, "oaep_digest": forge.SHA1},
    "oaep-mgf1p-sha512": {"oaep_digest": forge.SHA512},
    "xmlenc11-rsa-oaep-sha256-mgf1sha256": {"key_transport": forge.RSA_OAEP,
                                            "oaep_digest": forge.SHA256,
                                            "mgf": forge.MGF1_SHA256},
}
REFUSED = {
    "rsa-1_5-key-transport": {"key_transport": forge.RSA_1_5},  # Bleichenbacher's oracle
    "rsa-1_5-and-aes128-cbc": {"key_transport": forge.RSA_1_5, "content": forge.AES128_CBC},
    "aes128-cbc-content": {"content": forge.AES128_CBC},  # no integrity (Jager, Somorovsky)
    "aes256-cbc-content": {"content": forge.AES256_CBC},
    "aes256-cbc-oaep-sha1-declared": {"content": forge.AES256_CBC, "oaep_digest": forge.SHA1},
    "tripledes-cbc-content": {"content": forge.TRIPLEDES_CBC},  # pysaml2's default
}


@pytest.fixture
def encryption_cert(stack) -> bytes:
    """The certificate the proxy's SP metadata offers the GAR for encryption."""
    return load_keys(ProxySettings.from_env(stack.env)).saml_encryption_cert.read_bytes()


@pytest.fixture
def unwrapped(monkeypatch) -> list[int]:
    """Every use of the proxy's private keys to unwrap a content key (calls go through)."""
    calls: list[int] = []
    unwrap = encryption._unwrap

    def counted(wrapped, keys, size):
        calls.append(size)
        return unwrap(wrapped, keys, size)

    monkeypatch.setattr(encryption, "_unwrap", counted)
    return calls


def refusals(reason: str) -> float:
    return REGISTRY.get_sample_value("pixgar_proxy_logins_total", {
        "outcome": "refused", "reason": reason, "client": "pix"}) or 0.0


@pytest.mark.parametrize("case", ACCEPTED)
def test_rsa_oaep_with_aes_gcm_is_decrypted_and_accepted(attempt, encryption_cert,
                                                         unwrapped, case):
    response = forge.encrypt_assertion(attempt.genuine(sign_response=False), encryption_cert,
                                       **ACCEPTED[case])
    assert forge.assertion_of(response) is None  # only the EncryptedAssertion is left

    page = attempt.post(response)

    assert_accepted_as(attempt, page, PUPIL)
    assert unwrapped, "the assertion was not decrypted with the proxy's key"


@pytest.mark.parametrize("case", REFUSED)
def test_weak_key_transport_or_content_encryption_is_refused_before_decryption(
        attempt, encryption_cert, unwrapped, pix_db, all_logs, case):
    response = forge.encrypt_assertion(attempt.genuine(sign_response=False), encryption_cert,
                                       **REFUSED[case])
    before = refusals(ENCRYPTION_REFUSED)

    page = attempt.post(response)

    assert_refused(attempt, page, pix_db, all_logs)
    assert unwrapped == [], "the proxy's key was used on it"
    refused = [r.getMessage() for r in all_logs.records if r.name == "proxy.security"]
    assert f"code={ENCRYPTION_REFUSED}" in refused[0]
    assert refusals(ENCRYPTION_REFUSED) == before + 1  # metrics (and the audit: its id
    assert "Référence de l'erreur" in page.text         # is the page's reference)
