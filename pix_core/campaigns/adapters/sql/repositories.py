"""SQL campaigns and participations (``database.unit_of_work`` holds them).

Uniqueness (campaign code, one participation per pupil and campaign) is the database's
job: the insert runs in a savepoint and a refused one becomes the domain's error.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kernel.sql.base import as_utc
from pix_core.accounts.adapters.sql.tables import UserRow
from pix_core.campaigns.adapters.sql.tables import CampaignParticipationRow, CampaignRow
from pix_core.campaigns.domain.campaigns import Campaign
from pix_core.campaigns.domain.errors import AlreadyParticipating, CodeTaken
from pix_core.campaigns.domain.participations import (
    CampaignParticipation,
    Participant,
    ParticipationStatus,
)
from pix_core.shared.adapters.sql.dates import maybe_utc
from roster.domain.learners import Organization
from roster.sql.repositories import organization_from_row
from roster.sql.tables import OrganizationLearnerRow, OrganizationRow

P = CampaignParticipationRow


class SqlCampaignRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, campaign: Campaign) -> Campaign:
        row = CampaignRow(organization_id=campaign.organization_id, code=campaign.code,
                          name=campaign.name, target_skill_ids=list(campaign.target_skill_ids),
                          target_description=campaign.target_description,
                          created_by=campaign.created_by, created_at=campaign.created_at,
                          archived_at=campaign.archived_at)
        try:
            with self._session.begin_nested():
                self._session.add(row)
        except IntegrityError as error:
            raise CodeTaken() from error
        return _campaign(row)

    def code_exists(self, code: str) -> bool:
        return self._session.scalar(
            select(func.count()).select_from(CampaignRow).where(CampaignRow.code == code)
        ) != 0

    def get_by_code(self, code: str) -> Campaign | None:
        row = self._session.scalars(select(CampaignRow).where(CampaignRow.code == code)
                                    ).one_or_none()
        return None if row is None else _campaign(row)

    def list_for_organization(self, organization_id: int) -> list[Campaign]:
        rows = self._session.scalars(select(CampaignRow).where(
            CampaignRow.organization_id == organization_id).order_by(CampaignRow.id))
        return [_campaign(row) for row in rows]

    def update(self, campaign: Campaign) -> None:
        row = self._session.get_one(CampaignRow, campaign.id)
        row.name, row.archived_at = campaign.name, campaign.archived_at
        self._session.flush()

    def organization_of(self, campaign: Campaign) -> Organization:
        return organization_from_row(
            self._session.get_one(OrganizationRow, campaign.organization_id))


class SqlParticipationRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def find(self, campaign_id: int, user_id: int) -> CampaignParticipation | None:
        row = self._session.scalars(select(P).where(P.campaign_id == campaign_id,
                                                    P.user_id == user_id)).one_or_none()
        return None if row is None else _participation(row)

    def add(self, participation: CampaignParticipation) -> CampaignParticipation:
        row = P(campaign_id=participation.campaign_id, user_id=participation.user_id,
                created_at=participation.created_at)
        _fill_participation(row, participation)
        try:
            with self._session.begin_nested():
                self._session.add(row)
        except IntegrityError as error:
            raise AlreadyParticipating() from error
        return _participation(row)

    def update(self, participation: CampaignParticipation) -> None:
        row = self._session.get_one(P, participation.id)
        _fill_participation(row, participation)
        self._session.flush()

    def participants(self, campaign_id: int) -> list[Participant]:
        L = OrganizationLearnerRow
        rows = self._session.execute(
            select(P, UserRow.first_name, UserRow.last_name, L.first_name, L.last_name,
                   L.division)
            .join(UserRow, UserRow.id == P.user_id)
            .outerjoin(L, L.id == P.organization_learner_id)
            .where(P.campaign_id == campaign_id)
            .order_by(P.id)
        )
        return [
            Participant(_participation(row), learner_last or user_last,
                        learner_first or user_first, division)
            for row, user_first, user_last, learner_first, learner_last, division in rows
        ]

    def count_by_campaign(self, campaign_ids: Sequence[int]) -> dict[int, int]:
        if not campaign_ids:
            return {}
        rows = self._session.execute(
            select(P.campaign_id, func.count()).where(P.campaign_id.in_(campaign_ids))
            .group_by(P.campaign_id))
        return {campaign_id: int(count) for campaign_id, count in rows}


def _campaign(row: CampaignRow) -> Campaign:
    return Campaign(row.id, row.organization_id, row.code, row.name,
                    tuple(row.target_skill_ids), row.target_description, row.created_by,
                    as_utc(row.created_at), maybe_utc(row.archived_at))


def _fill_participation(row: CampaignParticipationRow,
                        participation: CampaignParticipation) -> None:
    row.organization_learner_id = participation.organization_learner_id
    row.status = participation.status.value
    row.assessment_id = participation.assessment_id
    row.shared_at = participation.shared_at
    row.pix_score = participation.pix_score
    row.validated_skill_count = participation.validated_skill_count


def _participation(row: CampaignParticipationRow) -> CampaignParticipation:
    return CampaignParticipation(
        row.id, row.campaign_id, row.user_id, row.organization_learner_id,
        ParticipationStatus(row.status), as_utc(row.created_at), row.assessment_id,
        maybe_utc(row.shared_at), row.pix_score, row.validated_skill_count)
