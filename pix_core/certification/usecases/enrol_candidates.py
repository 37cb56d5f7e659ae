"""Enrol learners of the organisation in a session, with their extra time.

All or nothing: a learner of another organisation, or one who has left the school, refuses
the whole enrolment (``LearnerCannotEnrol``); learners already enrolled are left as they are.
"""

from __future__ import annotations

from collections.abc import Sequence

from kernel.stored import NotStored
from pix_core.certification.domain.candidate_list import CandidatePick
from pix_core.certification.domain.candidates import (
    Candidate,
    CandidateRepository,
    EnrollableLearners,
)
from pix_core.certification.domain.errors import LearnerCannotEnrol, SessionClosed
from pix_core.certification.domain.sessions import SessionRepository
from pix_core.certification.usecases.find_member_session import find_member_session
from pix_core.orga.domain.memberships import MembershipRepository
from pix_core.orga.domain.organizations import OrganizationRepository


def enrol_candidates(
    user_id: int,
    uai: str,
    session_id: int,
    picks: Sequence[CandidatePick],
    *,
    organizations: OrganizationRepository,
    memberships: MembershipRepository,
    sessions: SessionRepository,
    candidates: CandidateRepository,
    learners: EnrollableLearners,
) -> int:
    """How many candidates were added."""
    organization, session = find_member_session(
        user_id, uai, session_id, organizations=organizations, memberships=memberships,
        sessions=sessions)
    if not session.is_open:
        raise SessionClosed("session_not_created")
    if organization.id is None:
        raise NotStored(organization)
    known = {x.learner_id: x for x in learners.of_organization(organization.id)}
    already = {c.learner_id for c in candidates.list_for_session(session_id)}
    for pick in picks:  # every pick checked before anything is added
        learner = known.get(pick.learner_id)
        if learner is None:
            raise LearnerCannotEnrol("learner_unknown")
        if not learner.is_active:
            raise LearnerCannotEnrol("learner_left")
    added = 0
    for pick in picks:
        learner = known[pick.learner_id]
        if learner.learner_id in already:
            continue
        candidates.add(Candidate(None, session_id, learner.learner_id, learner.last_name,
                                 learner.first_name, learner.birthdate, learner.division,
                                 pick.extra_time_percent))
        already.add(learner.learner_id)
        added += 1
    return added
