"""A pupil's own participation in a campaign (never anyone else's)."""

from __future__ import annotations

from dataclasses import dataclass

from kernel.stored import NotStored
from pix_core.campaigns.domain.campaigns import Campaign, CampaignRepository
from pix_core.campaigns.domain.participations import (
    CampaignAssessments,
    CampaignParticipation,
    ParticipationRepository,
    ParticipationStatus,
)
from pix_core.campaigns.usecases.join_campaign import find_campaign
from pix_core.orga.domain.organizations import display_name
from roster.domain.learners import Organization


@dataclass(frozen=True)
class MyParticipation:
    campaign: Campaign
    organization: Organization
    participation: CampaignParticipation | None
    assessment_id: int | None  # the assessment to answer, while started

    @property
    def organization_name(self) -> str:
        return display_name(self.organization)


def refresh_status(participation: CampaignParticipation, assessments: CampaignAssessments,
                   participations: ParticipationRepository) -> CampaignParticipation:
    """Started → to share once the assessment is done."""
    if (participation.status is ParticipationStatus.STARTED
            and participation.assessment_id is not None
            and assessments.is_completed(participation.assessment_id)):
        participation = participation.completed()
        participations.update(participation)
    return participation


def show_my_participation(
    user_id: int,
    code: str,
    *,
    campaigns: CampaignRepository,
    participations: ParticipationRepository,
    assessments: CampaignAssessments,
) -> MyParticipation:
    campaign = find_campaign(campaigns, code)
    if campaign.id is None:
        raise NotStored(campaign)
    participation = participations.find(campaign.id, user_id)
    in_progress = None
    if participation is not None:
        participation = refresh_status(participation, assessments, participations)
        if participation.status is ParticipationStatus.STARTED:
            in_progress = participation.assessment_id
    return MyParticipation(campaign, campaigns.organization_of(campaign), participation,
                           in_progress)
