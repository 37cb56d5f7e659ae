"""Assessments (a pupil's test), their answers and the knowledge elements they produce.

An assessment asks challenges one at a time; ``current_challenge_id`` is the one in
progress (kept in the database, so it survives reloads and restarts). Each answer gives
knowledge elements: one per skill whose state it settles (see ``domain.positioning``).
``kind`` is ``competence`` (a competence evaluation from the profile) or ``campaign``
(a Pix Orga parcours; ``campaign_participation_id`` then points at the participation).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from pix_core.domain.errors import PixError


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


def latest_by_skill(elements: Iterable[KnowledgeElement]) -> dict[str, KnowledgeElement]:
    """A user's current knowledge: the latest element of each skill (input in order)."""
    return {e.skill_id: e for e in elements}


# --- errors (mapped to HTTP statuses in adapters/http/errors.py) ----------------------


class AssessmentNotFound(PixError):
    """No such assessment for this user (another user's assessment looks absent too)."""

    kind = "assessment_not_found"


class ChallengeNotCurrent(PixError):
    """The answer is for a challenge that is not the one in progress."""

    kind = "challenge_not_current"


class AnswerAlreadyGiven(PixError):
    kind = "answer_already_given"


class AssessmentCompleted(PixError):
    kind = "assessment_completed"


class NothingToEvaluate(PixError):
    """The target holds no skill with a challenge (unknown competence, empty profile)."""

    kind = "nothing_to_evaluate"


# --- repositories ----------------------------------------------------------------------


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
