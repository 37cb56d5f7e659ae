"""Participations: one per pupil and campaign, started → to share → shared.

Started when the pupil joins (with an assessment of the target's skills, through the
``CampaignAssessments`` port); to share once that assessment is done; shared when the
pupil sends the results (pix score and validated skills are taken then).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from kernel.stored import NotStored
from pix_core.campaigns.domain.campaigns import Campaign
from pix_core.campaigns.domain.errors import NotReadyToShare

NO_CLASS = "Sans classe"


class ParticipationStatus(StrEnum):
    STARTED = "STARTED"
    TO_SHARE = "TO_SHARE"
    SHARED = "SHARED"

    @property
    def label(self) -> str:
        return {"STARTED": "En cours", "TO_SHARE": "En attente d'envoi",
                "SHARED": "Résultats reçus"}[self.value]


@dataclass(frozen=True)
class CampaignParticipation:
    """``pix_score`` and ``validated_skill_count`` are taken when the pupil shares."""

    id: int | None
    campaign_id: int
    user_id: int
    organization_learner_id: int | None
    status: ParticipationStatus
    created_at: datetime
    assessment_id: int | None = None
    shared_at: datetime | None = None
    pix_score: int | None = None
    validated_skill_count: int | None = None

    @classmethod
    def start(cls, campaign: Campaign, user_id: int, learner_id: int | None,
              now: datetime) -> CampaignParticipation:
        if campaign.id is None:
            raise NotStored(campaign)
        return cls(None, campaign.id, user_id, learner_id, ParticipationStatus.STARTED, now)

    def with_assessment(self, assessment_id: int) -> CampaignParticipation:
        return replace(self, assessment_id=assessment_id)

    def completed(self) -> CampaignParticipation:
        """The assessment is done: the pupil may now share (no change once past STARTED)."""
        if self.status is not ParticipationStatus.STARTED:
            return self
        return replace(self, status=ParticipationStatus.TO_SHARE)

    def shared(self, now: datetime, pix_score: int,
               validated_skill_count: int) -> CampaignParticipation:
        if self.status is not ParticipationStatus.TO_SHARE:
            raise NotReadyToShare(f"status_{self.status.value.lower()}")
        return replace(self, status=ParticipationStatus.SHARED, shared_at=now,
                       pix_score=pix_score, validated_skill_count=validated_skill_count)


def mastery_rate(validated_skill_ids: Iterable[str], target_skill_ids: Iterable[str]) -> float:
    """Validated skills of the target / skills of the target (0.0 for an empty target)."""
    target = set(target_skill_ids)
    if not target:
        return 0.0
    return len(target & set(validated_skill_ids)) / len(target)


@dataclass(frozen=True)
class AssessmentResult:
    pix_score: int
    validated_skill_ids: frozenset[str]


class CampaignAssessments(Protocol):
    """The link to evaluation's assessments (``campaigns.adapters.positioning``)."""

    def start(self, user_id: int, target_skill_ids: Sequence[str],
              campaign_participation_id: int) -> int:
        """Start an assessment of the target skills; return its id."""
        ...

    def is_completed(self, assessment_id: int) -> bool: ...

    def result(self, user_id: int, assessment_id: int) -> AssessmentResult:
        """The user's pix score and validated skills after that assessment."""
        ...


@dataclass(frozen=True)
class Participant:
    """One line of the dashboard: names from the roster when tied, else the account's."""

    participation: CampaignParticipation
    last_name: str
    first_name: str
    division: str | None

    @property
    def class_label(self) -> str:
        return self.division or NO_CLASS

    def __repr__(self) -> str:
        return f"Participant(id={self.participation.id!r})"


class ParticipationRepository(Protocol):
    def find(self, campaign_id: int, user_id: int) -> CampaignParticipation | None: ...

    def add(self, participation: CampaignParticipation) -> CampaignParticipation:
        """Raises ``AlreadyParticipating`` when the pupil already has one."""
        ...

    def update(self, participation: CampaignParticipation) -> None: ...

    def participants(self, campaign_id: int) -> list[Participant]: ...

    def count_by_campaign(self, campaign_ids: Sequence[int]) -> dict[int, int]: ...
