"""Errors of campaigns and participations; ``kind`` is log-safe (never a code or a name)."""

from __future__ import annotations

from pix_core.shared.domain.errors import PixError


class CampaignNotFound(PixError):
    kind = "campaign_not_found"


class CampaignArchived(PixError):
    kind = "campaign_archived"


class CodeSpaceExhausted(PixError):
    """Could not find a free code: should never happen (a broken random source)."""

    kind = "campaign_code_exhausted"


class InvalidCampaign(PixError):
    """A name or a target profile is missing."""

    kind = "invalid_campaign"


class ParticipationNotFound(PixError):
    kind = "participation_not_found"


class NotReadyToShare(PixError):
    """Sharing before the assessment is done (or twice)."""

    kind = "not_ready_to_share"


class CodeTaken(PixError):
    kind = "campaign_code_taken"


class AlreadyParticipating(PixError):
    """The unique (campaign, user) constraint refused a second participation."""

    kind = "already_participating"
