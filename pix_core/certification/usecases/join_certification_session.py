"""A pupil logged in through the GAR joins a session: access code, names, birth date.

They must match a candidate of that session with the roster's name rules, be at the
session's school at their latest GAR login, and not be someone else's candidate or
learner. Every refusal is the same ``CandidateRefused`` (nothing about who is enrolled).
Eligibility is checked next (``NotEligible`` says how many competences are missing);
then the candidate waits for the supervisor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pix_core.accounts.domain.repositories import AuthenticationMethodRepository
from pix_core.accounts.domain.users import latest_gar_school
from pix_core.certification.domain.candidates import Candidate, CandidateRepository
from pix_core.certification.domain.codes import is_valid_access_code, normalize_code
from pix_core.certification.domain.eligibility import Eligibility, eligibility
from pix_core.certification.domain.errors import CandidateRefused, NotEligible
from pix_core.certification.domain.sessions import SessionRepository
from pix_core.evaluation.domain.assessments import KnowledgeElementRepository
from pix_core.evaluation.domain.framework import LearningContent
from pix_core.evaluation.usecases.compute_profile import compute_profile
from pix_core.orga.domain.learners import LearnerLinkRepository
from roster.domain.matching import MatchStatus, find_learner


@dataclass(frozen=True)
class Identity:
    """What the pupil typed."""

    access_code: str
    last_name: str
    first_name: str
    birthdate: date

    def __repr__(self) -> str:
        return "Identity(<redacted>)"


class Ineligible(NotEligible):
    def __init__(self, found: Eligibility) -> None:
        super().__init__()
        self.eligibility = found


def join_certification_session(
    user_id: int, identity: Identity, *, sessions: SessionRepository,
    candidates: CandidateRepository, methods: AuthenticationMethodRepository,
    learners: LearnerLinkRepository, knowledge_elements: KnowledgeElementRepository,
    content: LearningContent, max_open_level: int,
) -> Candidate:
    candidate = _matching_candidate(user_id, identity, sessions, candidates, methods, learners)
    if candidate.user_id is None:  # a first visit: may they take it at all?
        scores = compute_profile(knowledge_elements, content, user_id=user_id,
                                 max_open_level=max_open_level)
        found = eligibility({code: r.level for code, r in scores.competences.items()})
        if not found.is_eligible:
            raise Ineligible(found)
    joined = candidate.joined_by(user_id)
    candidates.update(joined)
    return joined


def _matching_candidate(user_id: int, identity: Identity, sessions: SessionRepository,
                        candidates: CandidateRepository,
                        methods: AuthenticationMethodRepository,
                        learners: LearnerLinkRepository) -> Candidate:
    code = normalize_code(identity.access_code)
    session = sessions.get_by_access_code(code) if is_valid_access_code(code) else None
    if session is None or session.id is None or not session.is_open:
        raise CandidateRefused("unknown_session")
    school = latest_gar_school(methods.list_for_user(user_id))
    if school is None or sessions.organization_of(session).uai not in school.uai:
        raise CandidateRefused("other_school")
    enrolled = {c.id: c for c in candidates.list_for_session(session.id)}
    outcome = find_learner([c.roster_entry() for c in enrolled.values()],
                           identity.first_name, identity.last_name,
                           birthdate=identity.birthdate)
    if outcome.status is not MatchStatus.MATCHED or outcome.entry is None:
        raise CandidateRefused("no_match")
    candidate = enrolled[outcome.entry.learner_id]
    link = learners.get(candidate.learner_id)
    if (candidate.user_id not in (None, user_id) or link is None
            or link.tied_to_other_than(user_id)):
        raise CandidateRefused("someone_else")
    return candidate
