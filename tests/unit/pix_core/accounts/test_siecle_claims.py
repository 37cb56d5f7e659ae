"""The proxy's optional siecle_* claims: parsed when present, ignored when absent or odd."""

from datetime import date

import pytest

from pix_core.accounts.adapters.oidc.claims import identity_from_claims
from pix_core.accounts.domain.users import SiecleClaims

BASE = {"sub": "pseudo", "given_name": "Flora", "family_name": "Dupont", "gar_uai": ["0561641E"]}


def test_matched_claims_are_kept_with_the_school_context():
    identity = identity_from_claims({
        **BASE, "siecle_match": "matched", "siecle_uai": "0561641E",
        "siecle_ine": "123456789AB", "birthdate": "2010-03-14", "siecle_class": "3A"})
    assert identity.school.siecle == SiecleClaims(
        "matched", "0561641E", "123456789AB", date(2010, 3, 14), "3A")
    assert identity.school.siecle.matched_in("0561641E")
    assert not identity.school.siecle.matched_in("0999999Z")
    assert "123456789AB" not in repr(identity.school)


def test_logins_without_siecle_claims_are_accepted():
    assert identity_from_claims(BASE).school.siecle is None


@pytest.mark.parametrize("claims", [
    {"siecle_match": "maybe"}, {"siecle_match": 3},
])
def test_unknown_match_values_are_ignored(claims):
    assert identity_from_claims({**BASE, **claims}).school.siecle is None


def test_ine_and_birthdate_only_count_with_matched():
    siecle = identity_from_claims({
        **BASE, "siecle_match": "ambiguous", "siecle_uai": "0561641E",
        "siecle_ine": "123456789AB", "birthdate": "2010-03-14"}).school.siecle
    assert siecle == SiecleClaims("ambiguous", "0561641E")
    assert not siecle.matched_in("0561641E")
    bad_date = identity_from_claims({**BASE, "siecle_match": "matched", "siecle_uai": "X",
                                     "siecle_ine": "I", "birthdate": "14/03/2010"})
    assert bad_date.school.siecle.birthdate is None
