"""Forged signatures at the proxy's ACS: wrapping, stripped, foreign keys, weak algorithms.

Every forgery is built with signxml + lxml (tests/support/saml_forge.py), never pysaml2.
"""

from __future__ import annotations

import pytest

from gar_sim.users import get_user
from tests.flows.security.conftest import (
    PUPIL,
    PYSAML2_TMPFILE_LEAK,
    VICTIM,
    assert_accepted_as,
    assert_refused,
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
