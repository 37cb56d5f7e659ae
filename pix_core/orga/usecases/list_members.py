"""The members page of Pix Orga: the members and the pending invitations, for the ADMIN."""

from __future__ import annotations

from dataclasses import dataclass

from kernel.stored import NotStored
from pix_core.orga.domain.invitations import (
    Invitation,
    InvitationRepository,
    Member,
    MemberDirectory,
)
from pix_core.orga.domain.memberships import Membership, MembershipRepository
from pix_core.orga.domain.organizations import OrganizationRepository
from pix_core.orga.usecases.authorize_member import authorize_member
from roster.domain.learners import Organization


@dataclass(frozen=True)
class MembersPage:
    organization: Organization
    membership: Membership
    members: list[Member]
    pending: list[Invitation]


def list_members(
    user_id: int,
    uai: str,
    *,
    organizations: OrganizationRepository,
    memberships: MembershipRepository,
    invitations: InvitationRepository,
    members: MemberDirectory,
) -> MembersPage:
    """ADMIN only: the members and the pending invitations."""
    organization, membership = authorize_member(user_id, uai, organizations, memberships,
                                                admin=True)
    if organization.id is None:
        raise NotStored(organization)
    return MembersPage(organization, membership, members.members(organization.id),
                       invitations.list_pending(organization.id))
