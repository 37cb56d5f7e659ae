"""The campaigns of an organisation, for its members only."""

from __future__ import annotations

from dataclasses import dataclass

from kernel.stored import NotStored
from pix_core.campaigns.domain.campaigns import Campaign, CampaignRepository
from pix_core.campaigns.domain.participations import ParticipationRepository
from pix_core.orga.domain.memberships import Membership, MembershipRepository
from pix_core.orga.domain.organizations import OrganizationRepository
from pix_core.orga.usecases.authorize_member import authorize_member
from roster.domain.learners import Organization


@dataclass(frozen=True)
class CampaignLine:
    campaign: Campaign
    participants: int


@dataclass(frozen=True)
class CampaignList:
    organization: Organization
    membership: Membership
    lines: list[CampaignLine]


def list_campaigns(
    user_id: int,
    uai: str,
    *,
    organizations: OrganizationRepository,
    memberships: MembershipRepository,
    campaigns: CampaignRepository,
    participations: ParticipationRepository,
) -> CampaignList:
    """Active campaigns first, newest first."""
    organization, membership = authorize_member(user_id, uai, organizations, memberships)
    if organization.id is None:
        raise NotStored(organization)
    found = campaigns.list_for_organization(organization.id)
    counts = participations.count_by_campaign([c.id for c in found if c.id is not None])
    found.sort(key=lambda c: (c.is_archived, -c.created_at.timestamp(), c.code))
    return CampaignList(organization, membership,
                        [CampaignLine(c, counts.get(c.id or 0, 0)) for c in found])
