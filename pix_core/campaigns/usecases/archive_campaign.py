"""Archive a campaign: it stays visible to the organisation but can no longer be joined."""

from __future__ import annotations

from kernel.clock import Clock
from pix_core.campaigns.domain.campaigns import Campaign, CampaignRepository
from pix_core.campaigns.usecases.show_campaign_dashboard import campaign_of_organization
from pix_core.orga.domain.memberships import MembershipRepository
from pix_core.orga.domain.organizations import OrganizationRepository


def archive_campaign(
    user_id: int,
    uai: str,
    code: str,
    *,
    organizations: OrganizationRepository,
    memberships: MembershipRepository,
    campaigns: CampaignRepository,
    clock: Clock,
) -> Campaign:
    _, _, campaign = campaign_of_organization(user_id, uai, code, organizations, memberships,
                                              campaigns)
    archived = campaign.archived(clock())
    if archived is not campaign:
        campaigns.update(archived)
    return archived
