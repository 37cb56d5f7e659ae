"""A pupil's own participation in a campaign (never anyone else's)."""

from __future__ import annotations

from dataclasses import dataclass

from pix_core.domain.campaigns import (
    Campaign,
    CampaignAssessments,
    CampaignParticipation,
    CampaignRepository,
    ParticipationRepository,
    ParticipationStatus,
)
from pix_core.domain.memberships import Organization, display_name
from pix_core.usecases.join_campaign import find_campaign


@dataclass(frozen=True)
class MyParticipation:
    campaign: Campaign
    organization: Organization
    participation: CampaignParticipation | None
    assessment_path: str | None  # where to answer, while started

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
    assert campaign.id is not None
    participation = participations.find(campaign.id, user_id)
    path = None
    if participation is not None:
        participation = refresh_status(participation, assessments, participations)
        if (participation.status is ParticipationStatus.STARTED
                and participation.assessment_id is not None):
            path = assessments.path(participation.assessment_id)
    return MyParticipation(campaign, campaigns.organization_of(campaign), participation, path)
