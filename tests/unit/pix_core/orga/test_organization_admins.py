"""Pix Orga: add-admin, memberships, the roster page and its upload."""

import pytest

from pix_core.accounts.domain.errors import PixAccountRequired
from pix_core.accounts.domain.users import IdentityProvider
from pix_core.accounts.usecases.log_in_to_pix_orga import log_in_to_pix_orga
from pix_core.orga.domain.errors import MembershipRequired, OrganizationNotFound
from pix_core.orga.domain.memberships import Role
from pix_core.orga.usecases.add_organization_admin import add_organization_admin
from pix_core.orga.usecases.list_my_organizations import list_my_organizations
from pix_core.orga.usecases.show_roster import show_roster
from pix_core.orga.usecases.upload_siecle_roster import UploadResult, upload_siecle_roster
from tests.unit.pix_core.accounts.fakes import FakeClock
from tests.unit.pix_core.orga.fakes import BIRTH, UAI, OrgaUnitOfWork


def test_add_admin_creates_everything_once_and_gives_a_password_once():
    uow = OrgaUnitOfWork()
    kwargs = dict(organizations=uow.organizations, users=uow.users, methods=uow.methods,
                  memberships=uow.memberships, clock=FakeClock())
    added = add_organization_admin("0561641e", "Admin@Exemple.fr", first_name="Ada",
                                   last_name="Admin", **kwargs)
    assert added.organization_created
    assert added.user_created
    assert added.temporary_password
    assert added.temporary_password not in repr(added)
    user_id = log_in_to_pix_orga("admin@exemple.fr", added.temporary_password, uow.methods,
                                 FakeClock())
    [(membership, organization)] = uow.memberships.list_for_user(user_id)
    assert (membership.role, organization.uai) == (Role.ADMIN, UAI)
    again = add_organization_admin(UAI, "admin@exemple.fr", **kwargs)
    assert (again.organization_created, again.user_created, again.temporary_password) == (
        False, False, None)
    assert len(uow.memberships.rows) == 1


def test_add_admin_promotes_a_member_and_refuses_bad_input():
    uow = OrgaUnitOfWork()
    org = uow.school()
    teacher = uow.teacher(role=Role.MEMBER, organization=org)
    kwargs = dict(organizations=uow.organizations, users=uow.users, methods=uow.methods,
                  memberships=uow.memberships, clock=FakeClock())
    assert add_organization_admin(UAI, teacher.email, **kwargs).temporary_password is None
    assert uow.memberships.find(teacher.id, org.id).role is Role.ADMIN
    for uai, email in [("123", "a@b.fr"), (UAI, "not-an-email")]:
        with pytest.raises(ValueError, match="a valid e-mail address and UAI"):
            add_organization_admin(uai, email, **kwargs)


def test_a_gar_only_account_cannot_use_pix_orga():
    uow = OrgaUnitOfWork()
    pupil = uow.pupil()
    with pytest.raises(PixAccountRequired):
        list_my_organizations(pupil.id, uow.methods, uow.memberships)


def test_roster_is_for_members_only():
    uow = OrgaUnitOfWork()
    org = uow.school()
    member = uow.teacher(role=Role.MEMBER, organization=org)
    outsider = uow.teacher(email="autre@exemple.fr")
    uow.learners.put(org.id, "123456789AB", "Flora", "Dupont", BIRTH, user_id=5)
    uow.learners.put(org.id, "123456789AC", "Léo", "Martin", BIRTH, active=False)
    roster = show_roster(member.id, UAI.lower(), uow.organizations, uow.memberships,
                         uow.learners)
    assert [(line.last_name, line.is_tied, line.is_active) for line in roster.lines] == [
        ("Dupont", True, True), ("Martin", False, False)]
    with pytest.raises(MembershipRequired):
        show_roster(outsider.id, UAI, uow.organizations, uow.memberships, uow.learners)
    with pytest.raises(OrganizationNotFound):
        show_roster(member.id, "0999999Z", uow.organizations, uow.memberships, uow.learners)


def test_only_admins_upload_a_roster():
    uow = OrgaUnitOfWork()
    org = uow.school()
    member = uow.teacher(role=Role.MEMBER, organization=org)
    admin = uow.teacher(email="admin@exemple.fr", role=Role.ADMIN, organization=org)
    calls = []

    def importer(organization, filename, stream):
        calls.append((organization.uai, filename))
        return UploadResult(ok=True, created=1)

    kwargs = dict(organizations=uow.organizations, memberships=uow.memberships,
                  importer=importer)
    with pytest.raises(MembershipRequired) as caught:
        upload_siecle_roster(member.id, UAI, "f.xml", None, **kwargs)
    assert caught.value.kind == "admin_required"
    assert upload_siecle_roster(admin.id, UAI, "f.xml", None, **kwargs).created == 1
    assert calls == [(UAI, "f.xml")]
    assert IdentityProvider.PIX  # the admin logs in with a PIX method
