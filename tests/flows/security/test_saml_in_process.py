"""Encrypted assertions and optional fields at the ACS, now read by ``proxy/saml``.

Encryptions are built with cryptography (tests/support/saml_forge.py), never pysaml2.
"""

from __future__ import annotations

import pytest

from tests.flows.security.conftest import PUPIL, assert_accepted_as, assert_refused
from tests.support import saml_forge as forge

ACCEPTED = {
    "aes128-gcm": {"content": forge.AES128_GCM},
    "aes256-gcm": {"content": forge.AES256_GCM},
    "aes128-cbc": {"content": forge.AES128_CBC},
    "aes256-cbc-oaep-sha1-declared": {"content": forge.AES256_CBC, "oaep_digest": forge.SHA1},
}
REFUSED = {
    "rsa-1_5-key-transport": {"key_transport": forge.RSA_1_5},  # Bleichenbacher's oracle
    "tripledes-content": {"content": forge.TRIPLEDES_CBC},  # 64-bit blocks
}


def _cert_of(attempt) -> bytes:
    from proxy.keys import load_keys
    from proxy.settings import ProxySettings

    keys = load_keys(ProxySettings.from_env(attempt.browser.stack.env))
    return keys.saml_encryption_cert.read_bytes()


@pytest.mark.parametrize("case", ACCEPTED)
def test_a_signed_assertion_encrypted_with_aes_and_rsa_oaep_logs_in(attempt, case):
    response = attempt.genuine(sign_response=False)
    forge.encrypt_assertion(response, _cert_of(attempt), **ACCEPTED[case])

    assert_accepted_as(attempt, attempt.post(response), PUPIL)


@pytest.mark.parametrize("case", REFUSED)
def test_a_signed_assertion_under_weak_encryption_is_refused(attempt, pix_db, all_logs, case):
    """pysaml2 handed these to ``xmlsec1 --decrypt``, which opened them (accepted before)."""
    response = attempt.genuine(sign_response=False)
    forge.encrypt_assertion(response, _cert_of(attempt), **REFUSED[case])

    page = attempt.post(response)

    assert_refused(attempt, page, pix_db, all_logs)


def test_a_response_without_its_own_issuer_is_accepted(attempt):
    """Optional on an unsigned Response (SAML profiles §4.1.4.2): the assertion's counts.

    Before: pysaml2 accepted it, then the proxy read the Response's Issuer (HTTP 500).
    """
    response = attempt.genuine(sign_response=False)
    response.remove(response.find("saml:Issuer", forge.NS))

    assert_accepted_as(attempt, attempt.post(response), PUPIL)
