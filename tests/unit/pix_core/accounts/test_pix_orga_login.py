"""Passwords, masked account hints and Pix Orga's e-mail login."""

import pytest

from pix_core.accounts.domain.errors import OrgaLoginFailed
from pix_core.accounts.domain.masking import account_hint, mask_email
from pix_core.accounts.domain.passwords import hash_password, verify_password
from pix_core.accounts.usecases.log_in_to_pix_orga import log_in_to_pix_orga
from tests.unit.pix_core.accounts.fakes import FakeClock
from tests.unit.pix_core.orga.fakes import OrgaUnitOfWork


def test_password_hashes_are_salted_and_verified():
    first, second = hash_password("s3cret pass"), hash_password("s3cret pass")
    assert first != second
    assert first.startswith("scrypt$")
    assert "s3cret" not in first
    assert verify_password("s3cret pass", first)
    assert not verify_password("s3cret pasS", first)
    assert not verify_password("s3cret pass", None)
    assert not verify_password("s3cret pass", "garbage")
    with pytest.raises(ValueError, match="1 to 1024 characters"):
        hash_password("")


@pytest.mark.parametrize(("email", "masked"), [
    ("jeanne.dupont@exemple.fr", "j***@e***.fr"),
    ("a@b.co.uk", "a***@b***.uk"),
    ("x@localhost", "x***@l***"),
])
def test_emails_are_masked(email, masked):
    assert mask_email(email) == masked
    assert account_hint(email) == masked
    assert account_hint(None) == "un compte connecté via l'ENT (GAR)"


def test_orga_login_succeeds_with_the_right_password_only():
    uow = OrgaUnitOfWork()
    teacher = uow.teacher(email="jeanne.prof@exemple.fr", password="correct horse")
    assert log_in_to_pix_orga(" Jeanne.Prof@exemple.fr", "correct horse", uow.methods,
                              FakeClock()) == teacher.id
    for email, password in [("jeanne.prof@exemple.fr", "wrong"), ("nobody@exemple.fr",
                                                                   "correct horse"), ("", "")]:
        with pytest.raises(OrgaLoginFailed) as caught:
            log_in_to_pix_orga(email, password, uow.methods, FakeClock())
        assert caught.value.kind == "orga_login_failed"


def test_orga_login_refuses_gar_only_accounts():
    uow = OrgaUnitOfWork()
    uow.pupil()
    with pytest.raises(OrgaLoginFailed):
        log_in_to_pix_orga("", "x", uow.methods, FakeClock())
