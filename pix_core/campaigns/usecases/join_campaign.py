"""A logged-in pupil joins a campaign by its code (from "Parcours" or the teacher's link).

One participation per pupil and campaign: joining again resumes it. In an organisation
that imported its roster, the first participation waits for "Avant de commencer"; the
participation then remembers the roster learner (the teacher's dashboard shows its class).
"""

from __future__ import annotations

from dataclasses import dataclass

from kernel.clock import Clock
from kernel.stored import NotStored
from pix_core.campaigns.domain.campaigns import Campaign, CampaignRepository, normalize_code
from pix_core.campaigns.domain.errors import (
    AlreadyParticipating,
    CampaignArchived,
    CampaignNotFound,
)
from pix_core.campaigns.domain.participations import (
    CampaignAssessments,
    CampaignParticipation,
    ParticipationRepository,
)
from pix_core.orga.domain.learners import LearnerLinkRepository
from pix_core.orga.domain.organizations import has_roster


@dataclass(frozen=True)
class JoinOutcome:
    """Either ``reconcile_in`` (the UAI of "Avant de commencer") or the participation."""

    campaign: Campaign
    participation: CampaignParticipation | None = None
    reconcile_in: str | None = None
    created: bool = False


def find_campaign(campaigns: CampaignRepository, code: str) -> Campaign:
    campaign = campaigns.get_by_code(normalize_code(code))
    if campaign is None:
        raise CampaignNotFound()
    return campaign


def join_campaign(
    user_id: int,
    code: str,
    *,
    campaigns: CampaignRepository,
    participations: ParticipationRepository,
    learners: LearnerLinkRepository,
    assessments: CampaignAssessments,
    clock: Clock,
) -> JoinOutcome:
    """``CampaignNotFound`` / ``CampaignArchived`` (for a new participation)."""
    campaign = find_campaign(campaigns, code)
    if campaign.id is None:
        raise NotStored(campaign)
    existing = participations.find(campaign.id, user_id)
    if existing is not None:
        return JoinOutcome(campaign, existing)
    if campaign.is_archived:
        raise CampaignArchived()
    organization = campaigns.organization_of(campaign)
    learner_id = None
    if has_roster(organization):
        link = learners.find_for_user(campaign.organization_id, user_id)
        if link is None:
            return JoinOutcome(campaign, reconcile_in=organization.uai)
        learner_id = link.learner_id
    try:
        participation = participations.add(
            CampaignParticipation.start(campaign, user_id, learner_id, clock()))
    except AlreadyParticipating:  # another tab was faster
        found = participations.find(campaign.id, user_id)
        if found is None:  # gone again since: the refusal stands
            raise
        return JoinOutcome(campaign, found)
    if participation.id is None:
        raise NotStored(participation)
    assessment_id = assessments.start(user_id, campaign.target_skill_ids, participation.id)
    participation = participation.with_assessment(assessment_id)
    participations.update(participation)
    return JoinOutcome(campaign, participation, created=True)
