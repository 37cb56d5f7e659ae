"""An authorised candidate starts: positioned levels frozen, challenges chosen.

The certifiable competences (level 1 or more) are those the test asks, 3 challenges each
(``domain/selection.py``); challenges answered before (in any assessment) come last.
"""

from __future__ import annotations

from kernel.clock import Clock
from pix_core.certification.domain.candidates import Candidate, CandidateRepository
from pix_core.certification.domain.eligibility import MIN_CERTIFIABLE_LEVEL
from pix_core.certification.domain.errors import SittingNotAllowed
from pix_core.certification.domain.scoring import Positioned
from pix_core.certification.domain.selection import select_challenges
from pix_core.certification.domain.sessions import SessionRepository
from pix_core.certification.usecases.find_my_candidate import find_my_candidate
from pix_core.evaluation.domain.assessments import (
    AnswerRepository,
    KnowledgeElementRepository,
    latest_by_skill,
)
from pix_core.evaluation.domain.framework import LearningContent
from pix_core.evaluation.usecases.compute_profile import compute_profile


def start_certification_test(
    user_id: int, candidate_id: int, *, candidates: CandidateRepository,
    sessions: SessionRepository, knowledge_elements: KnowledgeElementRepository,
    answers: AnswerRepository, content: LearningContent, max_open_level: int, clock: Clock,
) -> Candidate:
    candidate, session = find_my_candidate(user_id, candidate_id, candidates=candidates,
                                           sessions=sessions)
    if not session.is_open:
        raise SittingNotAllowed("session_closed")
    scores = compute_profile(knowledge_elements, content, user_id=user_id,
                             max_open_level=max_open_level)
    positioned = {code: Positioned(r.level, r.pix) for code, r in scores.competences.items()
                  if r.level >= MIN_CERTIFIABLE_LEVEL}
    current = latest_by_skill(knowledge_elements.list_for_user(user_id))
    validated = {skill for skill, element in current.items() if element.validated}
    chosen = select_challenges(content, positioned, validated,
                               answers.challenge_ids_for_user(user_id))
    if not chosen:
        raise SittingNotAllowed("nothing_to_ask")
    started = candidate.started(positioned, chosen, clock())
    candidates.update(started)
    return started
