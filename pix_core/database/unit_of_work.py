"""One transaction over every context's SQL repositories: the unit of work of the pages.

``with uow: ...; uow.commit()``: rolled back unless committed. A use case receives only the
repositories it names (``uow.users``, ``uow.campaigns``...); this object merely holds them
all on one SQLAlchemy session, so a page that touches several contexts (joining a campaign
ties a learner, starts an assessment, adds a participation) commits once.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from pix_core.accounts.adapters.sql.repositories import (
    SqlAuthenticationMethodRepository,
    SqlUserRepository,
)
from pix_core.campaigns.adapters.sql.repositories import (
    SqlCampaignRepository,
    SqlParticipationRepository,
)
from pix_core.campaigns.domain.participations import CampaignAssessments
from pix_core.certification.adapters.sql.repositories import (
    SqlCandidateRepository,
    SqlCertificateRepository,
    SqlCertificationAnswerRepository,
    SqlCertificationSessionRepository,
    SqlEnrollableLearners,
)
from pix_core.evaluation.adapters.sql.repositories import (
    SqlAnswerRepository,
    SqlAssessmentRepository,
    SqlKnowledgeElementRepository,
)
from pix_core.orga.adapters.sql.repositories import (
    SqlInvitationRepository,
    SqlLearnerLinkRepository,
    SqlMemberDirectory,
    SqlMembershipRepository,
)
from roster.sql.repositories import SqlOrganizationRepository

CampaignAssessmentsFactory = Callable[[Any], CampaignAssessments]
"""Given the unit of work (its assessment repositories), campaigns' link to evaluation."""


class SqlUnitOfWork:
    """Every repository of every context, on one session."""

    def __init__(self, session: Session,
                 campaign_assessments: CampaignAssessmentsFactory | None = None) -> None:
        self._session = session
        # accounts
        self.users = SqlUserRepository(session)
        self.methods = SqlAuthenticationMethodRepository(session)
        # orga (organisations are the roster's)
        self.organizations = SqlOrganizationRepository(session)
        self.memberships = SqlMembershipRepository(session)
        self.learners = SqlLearnerLinkRepository(session)
        self.invitations = SqlInvitationRepository(session)
        self.members = SqlMemberDirectory(session)
        # evaluation
        self.assessments = SqlAssessmentRepository(session)
        self.answers = SqlAnswerRepository(session)
        self.knowledge_elements = SqlKnowledgeElementRepository(session)
        # campaigns
        self.campaigns = SqlCampaignRepository(session)
        self.participations = SqlParticipationRepository(session)
        self.campaign_assessments: Any = (
            None if campaign_assessments is None else campaign_assessments(self))
        # certification
        self.certification_sessions = SqlCertificationSessionRepository(session)
        self.certification_candidates = SqlCandidateRepository(session)
        self.certification_answers = SqlCertificationAnswerRepository(session)
        self.certificates = SqlCertificateRepository(session)
        self.enrollable_learners = SqlEnrollableLearners(session)

    def __enter__(self) -> SqlUnitOfWork:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._session.rollback()
        self._session.close()

    def commit(self) -> None:
        self._session.commit()


def unit_of_work_factory(
    engine: Engine, campaign_assessments: CampaignAssessmentsFactory | None = None
) -> Callable[[], SqlUnitOfWork]:
    """A callable creating a fresh :class:`SqlUnitOfWork` per request."""
    make_session = sessionmaker(engine, expire_on_commit=False)
    return lambda: SqlUnitOfWork(make_session(), campaign_assessments)
