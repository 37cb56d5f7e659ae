"""Pix Orga's home: the organisations the logged-in user belongs to."""

from __future__ import annotations

from dataclasses import dataclass

from pix_core.domain.accounts.errors import PixAccountRequired
from pix_core.domain.memberships import (
    MembershipRepository,
    Organization,
    Role,
    display_name,
)
from pix_core.domain.repositories import AuthenticationMethodRepository
from pix_core.domain.users import IdentityProvider


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
    if not any(
        m.identity_provider is IdentityProvider.PIX for m in methods.list_for_user(user_id)
    ):
        raise PixAccountRequired()
    found = [MyOrganization(organization, membership.role)
             for membership, organization in memberships.list_for_user(user_id)]
    return sorted(found, key=lambda mine: display_name(mine.organization))
