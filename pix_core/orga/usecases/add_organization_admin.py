"""Make someone an administrator of an organisation (the ``pixgar orga add-admin`` command)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kernel.clock import Clock
from kernel.stored import NotStored
from pix_core.accounts.domain.passwords import generate_temporary_password, hash_password
from pix_core.accounts.domain.repositories import AuthenticationMethodRepository, UserRepository
from pix_core.accounts.domain.users import AuthenticationMethod, User, normalize_email
from pix_core.orga.domain.memberships import Membership, MembershipRepository, Role
from pix_core.orga.domain.organizations import OrganizationRepository
from roster.domain.learners import Organization, is_valid_uai, normalize_uai


@dataclass(frozen=True)
class AdminAdded:
    organization_created: bool
    user_created: bool
    temporary_password: str | None  # set only when a PIX login method was created

    def __repr__(self) -> str:
        return f"AdminAdded(org={self.organization_created}, user={self.user_created})"


def add_organization_admin(
    uai: str,
    email: str,
    *,
    first_name: str = "",
    last_name: str = "",
    organization_name: str | None = None,
    organizations: OrganizationRepository,
    users: UserRepository,
    methods: AuthenticationMethodRepository,
    memberships: MembershipRepository,
    clock: Clock,
    new_password: Callable[[], str] = generate_temporary_password,
) -> AdminAdded:
    """Create what is missing: organisation, user, PIX method, ADMIN membership."""
    now, email, uai = clock(), normalize_email(email), normalize_uai(uai)
    if "@" not in email or not is_valid_uai(uai):
        raise ValueError("a valid e-mail address and UAI (7 digits and a letter) are required")
    organization = organizations.get_by_uai(uai)
    organization_created = organization is None
    if organization is None:
        organization = organizations.add(Organization.new(uai, now, organization_name))
    if organization.id is None:
        raise NotStored(organization)
    password: str | None = None
    user_created = False
    method = methods.find_pix_by_email(email)
    if method is not None:
        user_id = method.user_id
    else:
        user = users.find_by_email(email)
        if user is None:
            user = users.add(User.new(first_name, last_name, now, email=email))
            user_created = True
        if user.id is None:
            raise NotStored(user)
        user_id, password = user.id, new_password()
        methods.add(AuthenticationMethod.for_pix(user_id, email, hash_password(password), now))
    membership = memberships.find(user_id, organization.id)
    if membership is None:
        memberships.add(Membership(None, user_id, organization.id, Role.ADMIN, now))
    elif not membership.is_admin:
        memberships.update(membership.promoted())
    return AdminAdded(organization_created, user_created, password)
