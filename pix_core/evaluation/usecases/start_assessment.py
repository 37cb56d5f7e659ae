"""Start an assessment on a set of skills (a competence evaluation or a campaign).

The positioning API, for the pages and for Pix Orga campaigns. ``repos`` is anything
with ``assessments``, ``answers`` and ``knowledge_elements`` repositories (the SQL unit
of work has them); ``content`` the ``LearningContent`` (``pix_core.content``).

* ``start_assessment(repos, content, clock, rng, *, user_id, target_skill_ids, kind,
  competence_code=None, campaign_participation_id=None) -> Assessment``
* ``start_competence_evaluation(repos, content, clock, rng, *, user_id, competence_code,
  max_open_level) -> Assessment`` (resumes the started one)
* ``show_current_challenge(repos, content, *, assessment_id, user_id) -> CurrentChallenge``
* ``answer_challenge(repos, content, clock, rng, *, assessment_id, user_id, challenge_id,
  answer) -> AnswerOutcome`` (``correct``, ``finished``, ``assessment``)
* ``compute_profile(knowledge_elements, content, *, user_id, max_open_level) -> Scores``

The caller commits the unit of work. Errors: ``AssessmentNotFound``, ``ChallengeNotCurrent``,
``AnswerAlreadyGiven``, ``AssessmentCompleted``, ``NothingToEvaluate``
(``domain.assessment``).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Protocol

from kernel.clock import Clock
from pix_core.domain.assessment import (
    AnswerRepository,
    Assessment,
    AssessmentKind,
    AssessmentRepository,
    AssessmentState,
    KnowledgeElementRepository,
    NothingToEvaluate,
    latest_by_skill,
)
from pix_core.domain.framework import LearningContent
from pix_core.domain.positioning import next_challenge


class AssessmentRepositories(Protocol):
    assessments: AssessmentRepository
    answers: AnswerRepository
    knowledge_elements: KnowledgeElementRepository


def start_assessment(
    repos: AssessmentRepositories,
    content: LearningContent,
    clock: Clock,
    rng: random.Random,
    *,
    user_id: int,
    target_skill_ids: Sequence[str],
    kind: AssessmentKind,
    competence_code: str | None = None,
    campaign_participation_id: int | None = None,
) -> Assessment:
    """Store a new assessment and choose its first challenge.

    Skills the user already knows are not asked again: if none is left, the assessment
    is created already completed.
    """
    target = tuple(s for s in dict.fromkeys(target_skill_ids) if s in content.skills)
    if not target:
        raise NothingToEvaluate()
    known = latest_by_skill(repos.knowledge_elements.list_for_user(user_id))
    seen = repos.answers.challenge_ids_for_user(user_id)
    first = next_challenge(content, target, known, [], seen, rng)
    now = clock()
    assessment = Assessment(
        None, user_id, kind, target, AssessmentState.STARTED, None, now, now,
        competence_code=competence_code, campaign_participation_id=campaign_participation_id,
    ).asking(first.id if first else None, now)
    return repos.assessments.add(assessment)
