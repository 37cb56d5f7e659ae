"""The teacher's view of a campaign: participants by class, results once shared; CSV."""

from __future__ import annotations

from dataclasses import dataclass

from kernel.stored import NotStored
from pix_core.campaigns.domain.campaigns import Campaign, CampaignRepository, normalize_code
from pix_core.campaigns.domain.dashboard import (
    ClassGroup,
    DashboardLine,
    campaign_csv,
    dashboard_lines,
    group_by_class,
)
from pix_core.campaigns.domain.errors import CampaignNotFound
from pix_core.campaigns.domain.participations import ParticipationRepository
from pix_core.orga.domain.memberships import Membership, MembershipRepository
from pix_core.orga.domain.organizations import OrganizationRepository
from pix_core.orga.usecases.authorize_member import authorize_member
from roster.domain.learners import Organization


@dataclass(frozen=True)
class Dashboard:
    organization: Organization
    membership: Membership
    campaign: Campaign
    lines: list[DashboardLine]

    @property
    def groups(self) -> list[ClassGroup]:
        return group_by_class(self.lines)

    def csv(self) -> bytes:
        return campaign_csv(self.lines)


def campaign_of_organization(
    user_id: int,
    uai: str,
    code: str,
    organizations: OrganizationRepository,
    memberships: MembershipRepository,
    campaigns: CampaignRepository,
) -> tuple[Organization, Membership, Campaign]:
    """The campaign, only for a member of its organisation (404 for another one's)."""
    organization, membership = authorize_member(user_id, uai, organizations, memberships)
    campaign = campaigns.get_by_code(normalize_code(code))
    if campaign is None or campaign.organization_id != organization.id:
        raise CampaignNotFound()
    return organization, membership, campaign


def show_campaign_dashboard(
    user_id: int,
    uai: str,
    code: str,
    *,
    organizations: OrganizationRepository,
    memberships: MembershipRepository,
    campaigns: CampaignRepository,
    participations: ParticipationRepository,
) -> Dashboard:
    organization, membership, campaign = campaign_of_organization(
        user_id, uai, code, organizations, memberships, campaigns)
    if campaign.id is None:
        raise NotStored(campaign)
    lines = dashboard_lines(participations.participants(campaign.id),
                            len(campaign.target_skill_ids))
    return Dashboard(organization, membership, campaign, lines)
