"""Which accounts the school rosters tie to an INE (``organization_learners.user_id``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from roster.sql.tables import OrganizationLearnerRow


class SqlRosterTies:
    def __init__(self, session: Session) -> None:
        self._session = session

    def users_tied_to_ine(self, ine: str) -> set[int]:
        rows = self._session.scalars(
            select(OrganizationLearnerRow.user_id).where(
                OrganizationLearnerRow.ine == ine.strip().upper(),
                OrganizationLearnerRow.user_id.is_not(None)))
        return {int(user_id) for user_id in rows if user_id is not None}
