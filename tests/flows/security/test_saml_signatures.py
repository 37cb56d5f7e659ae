"""Forged signatures at the proxy's ACS: wrapping, stripped, foreign keys, weak algorithms.

Every forgery is built with signxml + lxml (tests/support/saml_forge.py), never pysaml2.
"""

from __future__ import annotations

import base64
import copy

import pytest
from lxml import etree

from gar_sim.users import get_user
from tests.flows.security.conftest import (
    PUPIL,
    PYSAML2_TMPFILE_LEAK,
    VICTIM,
    assert_accepted_as,
    assert_no_personal_data_logged,
    assert_refused,
    start_login,
)
from tests.support import saml_forge as forge

pytestmark = PYSAML2_TMPFILE_LEAK

XSW_RESPONSE = ["XSW1", "XSW2"]
XSW_ASSERTION = ["XSW3", "XSW4", "XSW5", "XSW6", "XSW7", "XSW8"]


def become_victim(assertion) -> None:
    """The attacker's edit: the assertion now names another pupil."""
    victim = get_user(VICTIM)
    forge.set_attribute(assertion, "IDO", victim.ido)
    forge.set_attribute(assertion, "NOM", victim.nom)
    forge.set_attribute(assertion, "PRE", victim.pre)


@pytest.mark.parametrize("response_signed", [False, True], ids=["assertion-signed",
                                                                 "both-signed"])
def test_control_response_resigned_with_signxml_is_accepted(attempt, response_signed):
    """Control: the forger's signatures are good, so refusals below are for the attack."""
    response = attempt.genuine(sign_assertion=False, sign_response=False)
    forge.sign(forge.assertion_of(response), attempt.keys)
    if response_signed:
        response = forge.sign(response, attempt.keys)

    assert_accepted_as(attempt, attempt.post(response), PUPIL)


@pytest.mark.parametrize("variant", XSW_RESPONSE)
def test_xsw_on_a_signed_response_is_refused(attempt, pix_db, all_logs, variant):
    response = attempt.genuine(sign_response=True)

    def edit(assertion):
        forge.strip_signature(assertion)  # only the wrapped response signature "covers" it
        become_victim(assertion)

    page = attempt.post(forge.wrap(response, variant, edit))

    assert_refused(attempt, page, pix_db, all_logs)


@pytest.mark.parametrize("response_signed", [False, True], ids=["assertion-signed",
                                                                 "both-signed"])
@pytest.mark.parametrize("variant", XSW_ASSERTION)
def test_xsw_on_a_signed_assertion_is_refused(attempt, pix_db, all_logs, variant,
                                              response_signed):
    response = attempt.genuine(sign_response=False)
    wrapped = forge.wrap(response, variant, become_victim)
    if response_signed:  # the GAR's key over the whole wrapped document
        wrapped = forge.sign(wrapped, attempt.keys)

    page = attempt.post(wrapped)

    assert_refused(attempt, page, pix_db, all_logs)


def _stripped(response):
    forge.strip_signature(forge.assertion_of(response))
    return forge.strip_signature(response)


def _emptied(response):
    forge.signature_of(forge.assertion_of(response)).find("ds:SignatureValue",
                                                         forge.NS).text = ""
    return response


def _attacker_key_in_keyinfo(response):
    become_victim(forge.assertion_of(response))
    forge.sign(forge.assertion_of(response), forge.attacker_keys())
    return forge.sign(response, forge.attacker_keys())


def _hmac(key_of):
    def forge_it(response, keys):
        become_victim(forge.assertion_of(response))
        forge.sign(forge.assertion_of(response), None, signature_method=forge.HMAC_SHA256,
                   hmac_key=key_of(keys))
        return response
    return forge_it


def _with_algorithms(signature_method, digest_method):
    def forge_it(response, keys):
        forge.sign(forge.assertion_of(response), keys, signature_method=signature_method,
                   digest_method=digest_method)
        return response
    return forge_it


def _constant_xslt(response, keys):
    assertion = forge.sign(forge.assertion_of(response), keys)
    become_victim(assertion)  # after signing: only a transform run by the verifier hides it
    forge.add_constant_xslt_transform(forge.signature_of(assertion), keys)
    return response


SIGNATURE_FORGERIES = {
    "stripped": lambda response, keys: _stripped(response),
    "signature-value-emptied": lambda response, keys: _emptied(response),
    "attacker-key-cert-in-keyinfo": lambda response, keys: _attacker_key_in_keyinfo(response),
    "hmac-sha256-keyed-with-cert-pem": _hmac(lambda keys: keys.cert_pem),
    "hmac-sha256-keyed-with-cert-der-b64": _hmac(lambda keys: keys.cert_b64.encode()),
    "rsa-sha1": _with_algorithms(forge.RSA_SHA1, forge.SHA256),
    "sha1-digest": _with_algorithms(forge.RSA_SHA256, forge.SHA1),
    "xslt-transform": _constant_xslt,
}


@pytest.mark.parametrize("case", SIGNATURE_FORGERIES)
def test_bad_or_weak_signature_is_refused(attempt, pix_db, all_logs, case):
    signed = case in ("stripped", "signature-value-emptied")
    response = attempt.genuine(sign_assertion=signed, sign_response=signed)

    page = attempt.post(SIGNATURE_FORGERIES[case](response, attempt.keys))

    assert_refused(attempt, page, pix_db, all_logs)


def _signed_response_with_unsigned_assertion(response, keys):
    assertion = forge.assertion_of(response)
    forge.strip_signature(assertion)
    become_victim(assertion)
    return forge.sign(response, keys)


def _second_unsigned_assertion(response, keys):
    evil = forge.strip_signature(copy.deepcopy(forge.assertion_of(response)))
    evil.set("ID", "_second_" + evil.get("ID"))
    become_victim(evil)
    response.append(evil)
    return forge.sign(response, keys)


def _second_signed_assertion(victims_response):
    def forge_it(response, keys):
        response.append(forge.assertion_of(victims_response))  # genuine, signed, other pupil
        return forge.sign(response, keys)
    return forge_it


@pytest.mark.parametrize("case", ["unsigned-assertion", "second-unsigned-assertion",
                                  "second-signed-assertion"])
def test_signed_response_must_carry_exactly_one_signed_assertion(attempt, pix_db, all_logs,
                                                                 case):
    response = attempt.genuine(sign_response=False)
    if case == "unsigned-assertion":
        forged = _signed_response_with_unsigned_assertion(response, attempt.keys)
    elif case == "second-unsigned-assertion":
        forged = _second_unsigned_assertion(response, attempt.keys)
    else:
        forged = _second_signed_assertion(attempt.genuine(VICTIM, sign_response=False))(
            response, attempt.keys)

    page = attempt.post(forged)

    assert_refused(attempt, page, pix_db, all_logs)


@pytest.mark.parametrize("response_signed", [False, True], ids=["response-unsigned",
                                                                 "response-signed"])
def test_encrypted_assertion_that_is_not_signed_is_refused(attempt, pix_db, all_logs,
                                                           response_signed):
    encoded = attempt.genuine_b64(encrypt_assertion=True, sign_assertion=False,
                                  sign_response=response_signed)
    assert b"EncryptedAssertion" in base64.b64decode(encoded)

    page = attempt.post(encoded)

    assert_refused(attempt, page, pix_db, all_logs)


@pytest.mark.parametrize("where", ["NameID", "IDO", "NOM", "PRE"])
def test_comment_injected_after_signing_changes_nothing(attempt, where, released_claims,
                                                        all_logs):
    """CVE-2017-11427 family: a comment inside a signed text node.

    Canonicalization drops comments, so the GAR's signature stays valid. A vulnerable SP
    reads only the text before the comment (a truncated IDO or name: another identity).
    The proxy must use the full signed text: same pupil, same ``sub`` as a genuine login.
    """
    response = attempt.genuine(sign_response=False)
    assertion = forge.assertion_of(response)
    if where == "NameID":
        target = assertion.find("saml:Subject/saml:NameID", forge.NS)
    else:
        target = forge.attribute_values(assertion, where)[0]
    text = target.text
    target.text = text[:3]
    comment = etree.Comment("")
    target.append(comment)
    comment.tail = text[3:]

    page = attempt.post(response)

    assert_accepted_as(attempt, page, PUPIL)
    user = get_user(PUPIL)
    claims = released_claims[-1]
    assert claims.get("given_name", user.pre) == user.pre
    assert claims.get("family_name", user.nom) == user.nom
    assert_no_personal_data_logged(all_logs, attempt.posted)

    attempt.query = start_login(attempt.browser)  # the same pupil, a genuine response
    assert_accepted_as(attempt, attempt.post(attempt.genuine()), PUPIL)
    assert released_claims[-1]["sub"] == claims["sub"]
