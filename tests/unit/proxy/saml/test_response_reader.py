"""The in-process reader on the whole SAML attack corpus, and on the profile's edges."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from gar_sim.users import get_user
from proxy.errors import SamlResponseRejected
from tests.support import saml_forge as forge
from tests.support.saml_corpus import CASES, PUPIL
from tests.unit.gar_sim.gar_sim_helpers import GAR
from tests.unit.proxy.saml.conftest import REQUEST_ID

# Which check refuses each attack (the log code an admin sees).
REFUSED_WITH = {
    **{f"{v}-response": "schema_invalid" for v in ("XSW1", "XSW2")},
    **{f"{v}-{s}-signed": "not_exactly_one_assertion"
       for v in ("XSW3", "XSW5", "XSW7", "XSW8") for s in ("assertion", "both")},
    **{f"{v}-{s}-signed": "schema_invalid" for v in ("XSW4", "XSW6")
       for s in ("assertion", "both")},
    "stripped": "unsigned",
    "signature-value-emptied": "signature_malformed",
    "signature-value-emptied-response-signed": "digest_mismatch",
    "attacker-key-cert-in-keyinfo": "bad_signature",
    "hmac-sha256-keyed-with-cert-pem": "signature_algorithm_not_allowed",
    "hmac-sha256-keyed-with-cert-der-b64": "signature_algorithm_not_allowed",
    "rsa-sha1": "signature_algorithm_not_allowed",
    "sha1-digest": "signature_algorithm_not_allowed",
    "xslt-transform": "signature_algorithm_not_allowed",
    "object-in-signature": "not_exactly_one_assertion",
    "signed-by-unknown-key": "bad_signature",
    "tampered-after-signing": "digest_mismatch",
    "duplicate-id": "schema_invalid",
    "unsigned": "unsigned",
    "signed-response-unsigned-assertion": "unsigned",
    "second-unsigned-assertion": "not_exactly_one_assertion",
    "second-signed-assertion": "schema_invalid",
    "encrypted-unsigned": "unsigned",
    "encrypted-unsigned-response-signed": "unsigned",
    **{f"encrypted-{name}": "encryption_algorithm_not_allowed" for name in (
        "rsa-1_5", "tripledes", "aes128-cbc", "aes256-cbc", "mgf1p-with-other-mgf",
        "name-id-aes128-cbc")},
    "encrypted-key-beside-data": "encrypted_assertion_malformed",
    "issuer-unknown": "unknown_issuer",
    "issuer-of-assertion-only": "issuer_mismatch",
    "issuer-of-response-only": "unknown_issuer",
    "other-audience": "wrong_audience",
    "audience-missing": "audience_missing",
    "wrong-recipient": "wrong_recipient",
    "recipient-missing": "wrong_recipient",
    "wrong-destination": "wrong_destination",
    "subject-in-response-to-other": "subject_in_response_to_mismatch",
    "expired": "subject_confirmation_expired",
    "not-before-beyond-skew": "conditions_not_yet_valid",
    "lifetime-negative": "subject_confirmation_expired",
    "conditions-not-before-future": "conditions_not_yet_valid",
    "conditions-not-on-or-after-past": "conditions_window_empty",
    "subject-confirmation-not-on-or-after-past": "subject_confirmation_expired",
    "subject-confirmation-not-before-future": "subject_confirmation_not_yet_valid",
    "status-responder": "status_responder",
    "dtd-external-entity": "dtd_forbidden",
    "dtd-billion-laughs": "unparsable_xml",  # libxml2 stops on the entity loop first
    "dtd-quadratic-blowup": "dtd_forbidden",
    "dtd-external-dtd": "dtd_forbidden",
    "dtd-parameter-entity": "dtd_forbidden",
    "xinclude": "xinclude_forbidden",
}


def test_every_case_of_the_corpus_has_an_expected_verdict():
    assert {n for n, c in CASES.items() if not c.accepted} == set(REFUSED_WITH)


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if not c.accepted])
def test_each_attack_is_refused_by_its_check(world, name):
    with pytest.raises(SamlResponseRejected) as refused:
        world.reader().read(CASES[name].build(world))

    assert refused.value.code == REFUSED_WITH[name]


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.accepted])
def test_each_control_is_accepted_with_the_pupils_identity(world, name):
    response = world.reader().read(CASES[name].build(world))

    pupil = get_user(PUPIL)
    assert response.issuer == f"{GAR}/idp/metadata"
    assert response.in_response_to == REQUEST_ID
    assert response.attributes["IDO"] == [pupil.ido]  # comments: the whole signed text
    assert response.attributes["NOM"] == [pupil.nom]
    assert response.attributes["PRE"] == [pupil.pre]
    assert response.authn_context_class.endswith(":PasswordProtectedTransport")


@pytest.mark.parametrize("name_format", ["uri", "basic"])
@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_attributes_are_the_ones_pysaml2_read(world, name_format, encrypted):
    """Same names and values as pysaml2's ``ava`` (what the proxy gave SATOSA before)."""
    encoded = world.response_b64("noe-garcon", name_format=name_format,
                                 encrypt_assertion=encrypted)

    ours = world.reader().read(encoded)
    theirs = world.client.parse_authn_request_response(
        encoded, "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
        outstanding={REQUEST_ID: "/"})

    assert ours.attributes == theirs.ava
    assert (ours.authn_context_class, ours.authn_instant) == theirs.authn_info()[0][::2]
    assert ours.assertion_id == theirs.assertion.id


def test_a_signed_response_is_required_when_the_sp_wants_one(world):
    unsigned = world.response_b64(sign_response=False)

    assert world.reader().read(unsigned)
    with pytest.raises(SamlResponseRejected, match="response_unsigned"):
        world.reader(want_response_signed=True).read(unsigned)
    assert world.reader(want_response_signed=True).read(world.response_b64(sign_response=True))


def _bounds(world):
    """A genuine response and its assertion's time bounds."""
    encoded = world.response_b64()
    assertion = forge.assertion_of(forge.decode(encoded))
    conditions = assertion.find("saml:Conditions", forge.NS)
    start = dt.datetime.fromisoformat(conditions.get("NotBefore"))
    end = dt.datetime.fromisoformat(conditions.get("NotOnOrAfter"))
    return encoded, start, end


def test_time_bounds_allow_the_skew_and_not_one_second_more(world):
    encoded, start, end = _bounds(world)
    skew = dt.timedelta(seconds=60)
    second = dt.timedelta(seconds=1)

    for now in (start - skew, end + skew - second):
        assert world.reader(now=now).read(encoded).valid_until == end
    with pytest.raises(SamlResponseRejected, match="not_yet_valid"):
        world.reader(now=start - skew - second).read(encoded)
    with pytest.raises(SamlResponseRejected, match="expired"):
        world.reader(now=end + skew).read(encoded)


def test_an_issue_instant_more_than_a_day_away_is_refused(world):
    encoded, start, _end = _bounds(world)

    with pytest.raises(SamlResponseRejected, match="issue_instant"):
        world.reader(now=start + dt.timedelta(days=1, minutes=2)).read(encoded)


def test_a_subject_confirmation_that_is_not_bearer_is_refused(world):
    response = world.response(sign_assertion=False, sign_response=False)
    assertion = forge.assertion_of(response)
    assertion.find("saml:Subject/saml:SubjectConfirmation", forge.NS).set(
        "Method", "urn:oasis:names:tc:SAML:2.0:cm:sender-vouches")
    forge.sign(assertion, world.keys)

    with pytest.raises(SamlResponseRejected, match="not_bearer"):
        world.reader().read(forge.encode(response))


def test_reading_starts_no_process(world, monkeypatch):
    documents = [CASES[n].build(world) for n, c in CASES.items() if c.accepted]

    def no_process(*args, **kwargs):
        raise AssertionError("a process was started")

    monkeypatch.setattr(subprocess.Popen, "__init__", no_process)
    for document in documents:
        assert world.reader().read(document).attributes["IDO"]
