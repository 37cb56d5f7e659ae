"""Check that a user may act for an organisation (every Pix Orga route asks this)."""

from __future__ import annotations

from pix_core.orga.domain.errors import MembershipRequired, OrganizationNotFound
from pix_core.orga.domain.memberships import Membership, MembershipRepository
from pix_core.orga.domain.organizations import OrganizationRepository
from roster.domain.learners import Organization, normalize_uai


def authorize_member(
    user_id: int,
    uai: str,
    organizations: OrganizationRepository,
    memberships: MembershipRepository,
    *,
    admin: bool = False,
) -> tuple[Organization, Membership]:
    """The organisation and the membership; raises when absent or not ADMIN as required."""
    organization = organizations.get_by_uai(normalize_uai(uai))
    if organization is None or organization.id is None:
        raise OrganizationNotFound()
    membership = memberships.find(user_id, organization.id)
    if membership is None or (admin and not membership.is_admin):
        raise MembershipRequired("admin_required" if membership else "membership_required")
    return organization, membership
