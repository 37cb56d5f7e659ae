"""The pupil clicks "Partager mes résultats": the organisation now sees them."""

from __future__ import annotations

from kernel.clock import Clock
from kernel.stored import NotStored
from pix_core.campaigns.domain.campaigns import CampaignRepository
from pix_core.campaigns.domain.errors import NotReadyToShare, ParticipationNotFound
from pix_core.campaigns.domain.participations import (
    CampaignAssessments,
    CampaignParticipation,
    ParticipationRepository,
)
from pix_core.campaigns.usecases.join_campaign import find_campaign
from pix_core.campaigns.usecases.show_my_participation import refresh_status


def share_campaign_results(
    user_id: int,
    code: str,
    *,
    campaigns: CampaignRepository,
    participations: ParticipationRepository,
    assessments: CampaignAssessments,
    clock: Clock,
) -> CampaignParticipation:
    """Only the pupil's own participation, only once the assessment is done."""
    campaign = find_campaign(campaigns, code)
    if campaign.id is None:
        raise NotStored(campaign)
    participation = participations.find(campaign.id, user_id)
    if participation is None:
        raise ParticipationNotFound()
    participation = refresh_status(participation, assessments, participations)
    if participation.assessment_id is None:
        raise NotReadyToShare("no_assessment")
    result = assessments.result(user_id, participation.assessment_id)
    validated = len(set(campaign.target_skill_ids) & result.validated_skill_ids)
    shared = participation.shared(clock(), result.pix_score, validated)
    participations.update(shared)
    return shared
