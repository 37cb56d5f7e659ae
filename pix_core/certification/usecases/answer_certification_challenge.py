"""The candidate answers the challenge in progress; checked here, on the server.

Only the challenge in progress can be answered (a form from an older page changes
nothing); an answer after its time limit counts as wrong; then the next challenge's clock
starts, or the test is completed.
"""

from __future__ import annotations

from kernel.clock import Clock
from kernel.stored import NotStored
from pix_core.certification.domain.candidates import (
    Candidate,
    CandidateRepository,
    CertificationAnswer,
    CertificationAnswerRepository,
)
from pix_core.certification.domain.errors import SittingNotAllowed
from pix_core.certification.domain.sessions import SessionRepository
from pix_core.certification.domain.timing import answered_in_time, time_limit
from pix_core.certification.usecases.find_my_candidate import find_my_candidate
from pix_core.evaluation.domain.framework import LearningContent

MAX_ANSWER_LENGTH = 500


def answer_certification_challenge(
    user_id: int, candidate_id: int, challenge_id: str, value: str, *,
    candidates: CandidateRepository, sessions: SessionRepository,
    answers: CertificationAnswerRepository, content: LearningContent, clock: Clock,
) -> Candidate:
    candidate, session = find_my_candidate(user_id, candidate_id, candidates=candidates,
                                           sessions=sessions)
    current = candidate.current
    shown_at = candidate.current_shown_at
    if current is None or shown_at is None or not session.is_open:
        raise SittingNotAllowed("not_started")
    if current.challenge_id != challenge_id:
        return candidate  # an old page sent again: the challenge in progress stays
    if candidate.id is None:
        raise NotStored(candidate)
    now = clock()
    in_time = answered_in_time(shown_at, now,
                               time_limit(candidate.extra_time_percent))
    value = value[:MAX_ANSWER_LENGTH]
    correct = in_time and content.challenges[challenge_id].is_correct(value)
    answers.add(CertificationAnswer(candidate.id, challenge_id, current.competence_code,
                                    value, correct, not in_time, now))
    moved = candidate.moved_on(now)
    candidates.update(moved)
    return moved
