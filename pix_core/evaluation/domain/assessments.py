"""Assessments, their answers and the knowledge elements they produce.

An assessment is one sitting of challenges asked one at a time (what pupils read as an
"évaluation"); ``current_challenge_id`` is the one in progress (kept in the database, so
it survives reloads and restarts). Each answer gives
knowledge elements: one per skill whose state it settles (see ``positioning``).
``kind`` is ``competence`` (a competence evaluation from the profile) or ``campaign``
(a Pix Orga parcours; ``campaign_participation_id`` then points at the participation).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from pix_core.evaluation.domain.framework import Framework


class AssessmentKind(StrEnum):
    COMPETENCE = "competence"
    CAMPAIGN = "campaign"


class AssessmentState(StrEnum):
    STARTED = "started"
    COMPLETED = "completed"


class KnowledgeStatus(StrEnum):
    VALIDATED = "validated"
    INVALIDATED = "invalidated"


class KnowledgeSource(StrEnum):
    DIRECT = "direct"  # the skill's own challenge was answered
    INFERRED = "inferred"  # deduced from another skill of the same tube


@dataclass(frozen=True)
class Assessment:
    id: int | None
    user_id: int
    kind: AssessmentKind
    target_skill_ids: tuple[str, ...]
    state: AssessmentState
    current_challenge_id: str | None
    created_at: datetime
    updated_at: datetime
    competence_code: str | None = None
    campaign_participation_id: int | None = None

    @property
    def is_completed(self) -> bool:
        return self.state is AssessmentState.COMPLETED

    def evaluates(self, competence_code: str) -> bool:
        """A competence evaluation of ``competence_code`` (started from the profile)."""
        return self.kind is AssessmentKind.COMPETENCE and self.competence_code == competence_code

    def asking(self, challenge_id: str | None, now: datetime) -> Assessment:
        """Move to the next challenge, or complete when there is none."""
        state = AssessmentState.STARTED if challenge_id else AssessmentState.COMPLETED
        return replace(self, current_challenge_id=challenge_id, state=state, updated_at=now)


@dataclass(frozen=True)
class Answer:
    assessment_id: int
    challenge_id: str
    value: str
    correct: bool
    created_at: datetime


@dataclass(frozen=True)
class KnowledgeElement:
    user_id: int
    assessment_id: int
    skill_id: str
    status: KnowledgeStatus
    source: KnowledgeSource
    earned_pix: float
    created_at: datetime

    @property
    def validated(self) -> bool:
        return self.status is KnowledgeStatus.VALIDATED


def started_competence_evaluation(
    assessments: Iterable[Assessment], competence_code: str
) -> Assessment | None:
    """The latest competence evaluation of ``competence_code`` still going on, if any."""
    for assessment in reversed(list(assessments)):
        if assessment.evaluates(competence_code) and not assessment.is_completed:
            return assessment
    return None


def assessment_title(assessment: Assessment, framework: Framework) -> str:
    """What the pages call it: the competence evaluated, or "Parcours" for a campaign's."""
    if assessment.kind is AssessmentKind.COMPETENCE and assessment.competence_code:
        try:
            return framework.competence(assessment.competence_code).title
        except KeyError:
            pass
    return "Parcours"


def latest_by_skill(elements: Iterable[KnowledgeElement]) -> dict[str, KnowledgeElement]:
    """A user's current knowledge: the latest element of each skill (input in order)."""
    return {e.skill_id: e for e in elements}


class AssessmentRepository(Protocol):
    def add(self, assessment: Assessment) -> Assessment: ...

    def get(self, assessment_id: int) -> Assessment | None: ...

    def update(self, assessment: Assessment) -> None: ...

    def list_for_user(self, user_id: int) -> list[Assessment]:
        """Oldest first."""
        ...


class AnswerRepository(Protocol):
    def add(self, answer: Answer) -> None:
        """Store an answer; raise ``AnswerAlreadyGiven`` if that challenge has one already."""
        ...

    def list_for_assessment(self, assessment_id: int) -> list[Answer]: ...

    def challenge_ids_for_user(self, user_id: int) -> set[str]:
        """Every challenge the user has answered, in any assessment."""
        ...


class KnowledgeElementRepository(Protocol):
    def add_many(self, elements: Sequence[KnowledgeElement]) -> None: ...

    def list_for_user(self, user_id: int) -> list[KnowledgeElement]:
        """Oldest first."""
        ...


class AssessmentRepositories(Protocol):
    """What the assessment use cases need (the SQL unit of work has them)."""

    assessments: AssessmentRepository
    answers: AnswerRepository
    knowledge_elements: KnowledgeElementRepository
