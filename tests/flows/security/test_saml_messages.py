"""Wrong parties, stale or replayed messages, hostile XML at the proxy's ACS.

Edits are re-signed with the GAR simulator's own key through signxml (never pysaml2), so
each refusal is for the edited field, not for a broken signature.
"""

from __future__ import annotations

import base64

import pytest

from tests.flows.conftest import Browser
from tests.flows.security.conftest import (
    PUPIL,
    PYSAML2_TMPFILE_LEAK,
    assert_accepted_as,
    assert_refused,
)
from tests.support import saml_forge as forge

pytestmark = PYSAML2_TMPFILE_LEAK
SKEW = 60  # config/proxy.yaml saml.accepted_time_diff


def _edit_assertion(edit):
    def forge_it(response, keys):
        assertion = forge.assertion_of(response)
        edit(assertion)
        forge.sign(assertion, keys)
        return response
    return forge_it


def _set_time(path: str, attribute: str, seconds_from_now: int):
    """Set a timestamp when the test runs (not at import: a long suite would age it)."""
    def edit(assertion):
        assertion.find(path, forge.NS).set(attribute, forge.stamp(seconds_from_now))
    return edit


def _issuer_of_response(response, keys):
    response.find("saml:Issuer", forge.NS).text = "https://evil.example/idp"
    forge.sign(forge.assertion_of(response), keys)
    return forge.sign(response, keys)


def _never_issued_in_response_to(response, keys):
    response.set("InResponseTo", "id-never-issued")
    forge.assertion_of(response).find(
        "saml:Subject/saml:SubjectConfirmation/saml:SubjectConfirmationData",
        forge.NS).set("InResponseTo", "id-never-issued")
    forge.sign(forge.assertion_of(response), keys)
    return response


SCD = "saml:Subject/saml:SubjectConfirmation/saml:SubjectConfirmationData"
EDITS = {
    "issuer-of-assertion-only": _edit_assertion(
        lambda a: setattr(a.find("saml:Issuer", forge.NS), "text", "https://evil.example/idp")),
    "issuer-of-response-only": _issuer_of_response,
    "conditions-not-before-future": _edit_assertion(
        _set_time("saml:Conditions", "NotBefore", SKEW + 60)),
    "conditions-not-on-or-after-past": _edit_assertion(
        _set_time("saml:Conditions", "NotOnOrAfter", -SKEW - 60)),
    "subject-confirmation-not-on-or-after-past": _edit_assertion(
        _set_time(SCD, "NotOnOrAfter", -SKEW - 60)),
    "subject-confirmation-not-before-future": _edit_assertion(
        _set_time(SCD, "NotBefore", SKEW + 60)),
    "subject-confirmation-recipient-missing": _edit_assertion(
        lambda a: a.find(SCD, forge.NS).attrib.pop("Recipient")),
    "audience-missing": _edit_assertion(
        lambda a: a.find("saml:Conditions", forge.NS).remove(
            a.find("saml:Conditions/saml:AudienceRestriction", forge.NS))),
    "in-response-to-never-issued": _never_issued_in_response_to,
}


@pytest.mark.parametrize("case", EDITS)
def test_edited_and_resigned_response_is_refused(attempt, pix_db, all_logs, case):
    response = attempt.genuine(sign_assertion=False, sign_response=False)

    page = attempt.post(EDITS[case](response, attempt.keys))

    assert_refused(attempt, page, pix_db, all_logs)


@pytest.mark.parametrize("overrides", [
    pytest.param({"issuer": "https://evil.example/idp"}, id="issuer-unknown"),
    pytest.param({"time_shift": SKEW + 60}, id="not-before-beyond-skew"),
    pytest.param({"time_shift": -(300 + SKEW + 60)}, id="not-on-or-after-beyond-skew"),
    pytest.param({"lifetime": -(SKEW + 60)}, id="lifetime-negative"),
    pytest.param({"subject_in_response_to": "id-other"}, id="subject-in-response-to-other"),
])
def test_simulator_response_with_a_wrong_field_is_refused(attempt, pix_db, all_logs, overrides):
    page = attempt.post(attempt.genuine_b64(**overrides))

    assert_refused(attempt, page, pix_db, all_logs)


def test_clock_skew_within_tolerance_is_accepted(attempt):
    """Control for the time cases: 30 s of skew is tolerated, 120 s is not."""
    page = attempt.post(attempt.genuine_b64(time_shift=SKEW // 2))

    assert_accepted_as(attempt, page, PUPIL)


def test_a_response_without_its_own_issuer_is_accepted(attempt):
    """Optional on an unsigned Response (SAML profiles §4.1.4.2): the assertion's counts.

    Before: pysaml2 accepted it, then the proxy read the Response's Issuer (HTTP 500).
    """
    response = attempt.genuine(sign_response=False)
    response.remove(response.find("saml:Issuer", forge.NS))

    assert_accepted_as(attempt, attempt.post(response), PUPIL)


def test_same_response_twice_on_one_worker_is_refused(attempt, pix_db, all_logs):
    encoded = attempt.genuine_b64()
    assert_accepted_as(attempt, attempt.post(encoded), PUPIL)
    attempt.users_before = _count(pix_db)
    attempt.browser.visited.clear()
    all_logs.clear()

    page = attempt.post(encoded)

    assert_refused(attempt, page, pix_db, all_logs)


@pytest.mark.parametrize("where", ["same-worker", "other-worker"])
def test_second_response_to_an_already_answered_request_is_refused(attempt, pix_db, all_logs,
                                                                   second_proxy, where):
    """Two distinct, genuinely signed responses to one AuthnRequest: only the first counts."""
    first, second = attempt.genuine_b64(), attempt.genuine_b64()
    assert_accepted_as(attempt, attempt.post(first), PUPIL)
    attempt.users_before = _count(pix_db)
    attempt.browser.visited.clear()
    all_logs.clear()
    if where == "other-worker":
        attempt.browser.route_proxy_to(second_proxy)

    page = attempt.post(second)

    assert_refused(attempt, page, pix_db, all_logs)


def test_response_replayed_from_another_browser_on_another_worker_is_refused(
        attempt, pix_db, all_logs, stack, second_proxy):
    from tests.support.wsgi_transport import routed_session

    encoded = attempt.genuine_b64()
    assert_accepted_as(attempt, attempt.post(encoded), PUPIL)
    attempt.users_before = _count(pix_db)
    attacker = Browser(stack, *routed_session(dict(stack.apps)))
    attacker.route_proxy_to(second_proxy)
    attempt.browser = attacker
    all_logs.clear()

    page = attempt.post(encoded, browser=attacker)

    assert_refused(attempt, page, pix_db, all_logs)


def _count(pix_db) -> int:
    from tests.flows.conftest import count_users
    return count_users(pix_db)


LOL = (b'<!DOCTYPE r [<!ENTITY a "lollollollollollollollollollol">'
       + b"".join(b'<!ENTITY %s "%s">' % (chr(98 + i).encode(), (b"&" + chr(97 + i).encode()
                                                                    + b";") * 10)
                  for i in range(9))
       + b"]>")
BIG = b"A" * 50_000
DOCTYPES = {
    "external-entity": (b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/hostname">]>', "&x;"),
    "billion-laughs": (LOL, "&j;"),
    "quadratic-blowup": (b'<!DOCTYPE r [<!ENTITY q "' + BIG + b'">]>', "&q;" * 4),
    "external-dtd": (b'<!DOCTYPE r SYSTEM "https://evil.example/evil.dtd">', None),
    "parameter-entity": (b'<!DOCTYPE r [<!ENTITY % p SYSTEM "https://evil.example/p">%p;]>',
                         None),
}


@pytest.mark.parametrize("case", DOCTYPES)
def test_xml_with_a_dtd_is_refused(attempt, pix_db, all_logs, case):
    doctype, reference = DOCTYPES[case]
    response = attempt.genuine(sign_response=False)
    xml = forge.decode(forge.encode(response))
    raw = forge.encode(xml)
    body = base64.b64decode(raw)
    if reference:  # the entity in the IDO, re-signed: only the DTD is wrong
        assertion = forge.assertion_of(xml)
        forge.set_attribute(assertion, "IDO", "ENTITYREF")
        forge.sign(assertion, attempt.keys)
        body = base64.b64decode(forge.encode(xml)).replace(b"ENTITYREF", reference.encode())

    page = attempt.post(forge.encode(body, prolog=doctype))

    assert_refused(attempt, page, pix_db, all_logs)


def test_xinclude_is_refused(attempt, pix_db, all_logs):
    from lxml import etree

    response = attempt.genuine(sign_response=False)
    assertion = forge.assertion_of(response)
    value = forge.attribute_values(assertion, "IDO")[0]
    value.text = None
    etree.SubElement(value, "{http://www.w3.org/2001/XInclude}include",
                     href="file:///etc/hostname", parse="text")
    forge.sign(assertion, attempt.keys)

    page = attempt.post(response)

    assert_refused(attempt, page, pix_db, all_logs)


@pytest.mark.parametrize("extra", [1, 300_000], ids=["just-over-the-limit", "far-over"])
def test_oversized_response_is_refused_unread(attempt, pix_db, all_logs, extra):
    limit = 262144  # config/proxy.yaml saml.max_response_bytes
    encoded = attempt.genuine_b64()
    padded = encoded + " " * (limit - len(encoded) + extra)  # whitespace: still valid base64

    page = attempt.post(padded)

    assert_refused(attempt, page, pix_db, all_logs)
