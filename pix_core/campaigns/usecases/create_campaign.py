"""A member of an organisation creates a campaign and gets its code."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kernel.clock import Clock
from kernel.stored import NotStored
from pix_core.campaigns.domain.campaigns import (
    MAX_CODE_ATTEMPTS,
    Campaign,
    CampaignRepository,
    generate_code,
)
from pix_core.campaigns.domain.errors import CodeSpaceExhausted, CodeTaken, InvalidCampaign
from pix_core.campaigns.domain.target_profiles import TargetCatalog, TargetProfile
from pix_core.orga.domain.memberships import MembershipRepository
from pix_core.orga.domain.organizations import OrganizationRepository
from pix_core.orga.usecases.authorize_member import authorize_member

MAX_NAME_LENGTH = 255


def create_campaign(
    user_id: int,
    uai: str,
    name: str,
    target_keys: Sequence[str],
    *,
    organizations: OrganizationRepository,
    memberships: MembershipRepository,
    campaigns: CampaignRepository,
    catalog: TargetCatalog,
    clock: Clock,
    new_code: Callable[[], str] = generate_code,
) -> Campaign:
    """Any member may create; ``InvalidCampaign`` without a name or a known target."""
    organization, _ = authorize_member(user_id, uai, organizations, memberships)
    if organization.id is None:
        raise NotStored(organization)
    name = " ".join(name.split())[:MAX_NAME_LENGTH]
    if not name:
        raise InvalidCampaign("name_missing")
    by_key = {choice.key: choice for choice in catalog.choices()}
    chosen = [by_key[key] for key in dict.fromkeys(target_keys) if key in by_key]
    target = TargetProfile.of(chosen)
    for _ in range(MAX_CODE_ATTEMPTS):
        code = new_code()
        if campaigns.code_exists(code):
            continue
        try:
            return campaigns.add(Campaign(None, organization.id, code, name, target.skill_ids,
                                          target.description, user_id, clock()))
        except CodeTaken:  # taken between the check and the insert
            continue
    raise CodeSpaceExhausted()
