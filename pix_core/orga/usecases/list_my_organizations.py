"""Pix Orga's home: the organisations the logged-in user belongs to."""

from __future__ import annotations

from dataclasses import dataclass

from pix_core.accounts.domain.errors import PixAccountRequired
from pix_core.accounts.domain.repositories import AuthenticationMethodRepository
from pix_core.orga.domain.memberships import MembershipRepository, Role
from pix_core.orga.domain.organizations import display_name
from roster.domain.learners import Organization


@dataclass(frozen=True)
class MyOrganization:
    organization: Organization
    role: Role


def list_my_organizations(
    user_id: int,
    methods: AuthenticationMethodRepository,
    memberships: MembershipRepository,
) -> list[MyOrganization]:
    """Raises ``PixAccountRequired`` for an account without an e-mail login method."""
    if not any(m.is_pix for m in methods.list_for_user(user_id)):
        raise PixAccountRequired()
    found = [MyOrganization(organization, membership.role)
             for membership, organization in memberships.list_for_user(user_id)]
    return sorted(found, key=lambda mine: display_name(mine.organization))
