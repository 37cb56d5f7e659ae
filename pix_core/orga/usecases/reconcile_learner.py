""""Avant de commencer": tie a pupil's account to a learner of the school's roster, for good.

Order: no roster → nothing to do; already tied → identified; the proxy matched the pupil
for sure at the latest GAR login (in this school) → tie to that INE without questions;
otherwise the names and birth date typed on the form, matched with ``find_learner``.
A learner tied to another account is refused with a masked hint, never re-linked.
"""

from __future__ import annotations

from kernel.clock import Clock
from pix_core.accounts.domain.errors import GarAccountRequired
from pix_core.accounts.domain.masking import account_hint
from pix_core.accounts.domain.repositories import AuthenticationMethodRepository, UserRepository
from pix_core.accounts.domain.users import SiecleClaims, latest_gar_school
from pix_core.orga.domain.learners import LearnerLink, LearnerLinkRepository
from pix_core.orga.domain.organizations import OrganizationRepository, has_roster
from pix_core.orga.domain.reconciliation import Answers, Reconciliation, ReconciliationStatus
from roster.domain.learners import normalize_uai
from roster.domain.matching import MatchStatus, find_learner

Status = ReconciliationStatus


def reconcile_learner(
    user_id: int,
    uai: str,
    answers: Answers | None,
    *,
    organizations: OrganizationRepository,
    learners: LearnerLinkRepository,
    users: UserRepository,
    methods: AuthenticationMethodRepository,
    clock: Clock,
) -> Reconciliation:
    """Raises ``GarAccountRequired`` for an account that never came through the GAR."""
    if not any(m.is_gar for m in methods.list_for_user(user_id)):
        raise GarAccountRequired()
    organization = organizations.get_by_uai(normalize_uai(uai))
    if organization is None or organization.id is None or not has_roster(organization):
        return Reconciliation(Status.NO_ROSTER)
    if learners.find_for_user(organization.id, user_id) is not None:
        return Reconciliation(Status.ALREADY_IDENTIFIED)
    claims = latest_siecle_claims(methods, user_id)
    if claims is not None and claims.ine and claims.matched_in(organization.uai):
        learner = learners.find_by_ine(organization.id, claims.ine)
        if learner is not None and learner.is_active:
            return _tie(learner, user_id, learners, users, methods, clock, automatic=True)
    if answers is None:
        return Reconciliation(Status.FORM_NEEDED)
    outcome = find_learner(
        learners.active_entries(organization.id),
        answers.first_name,
        answers.last_name,
        birthdate=answers.birthdate,
    )
    if outcome.status is MatchStatus.AMBIGUOUS:
        return Reconciliation(Status.AMBIGUOUS)
    learner = learners.get(outcome.entry.learner_id) if outcome.entry is not None else None
    if learner is None:
        return Reconciliation(Status.NO_MATCH)
    return _tie(learner, user_id, learners, users, methods, clock, automatic=False)


def latest_siecle_claims(
    methods: AuthenticationMethodRepository, user_id: int
) -> SiecleClaims | None:
    """The proxy's roster claims at the user's most recent GAR login, if any."""
    school = latest_gar_school(methods.list_for_user(user_id))
    return school.siecle if school is not None else None


def _tie(
    learner: LearnerLink,
    user_id: int,
    learners: LearnerLinkRepository,
    users: UserRepository,
    methods: AuthenticationMethodRepository,
    clock: Clock,
    *,
    automatic: bool,
) -> Reconciliation:
    if not learner.tied_to_other_than(user_id) and learners.tie(
        learner.learner_id, user_id, clock()
    ):
        return Reconciliation(Status.TIED, automatic=automatic)
    current = learners.get(learner.learner_id)  # someone may just have been faster
    other = current.user_id if current is not None else learner.user_id
    if other == user_id:
        return Reconciliation(Status.ALREADY_IDENTIFIED)
    hint = account_hint(_email_of(other, users, methods)) if other is not None else None
    return Reconciliation(Status.TAKEN, automatic=automatic, other_account_hint=hint)


def _email_of(
    user_id: int, users: UserRepository, methods: AuthenticationMethodRepository
) -> str | None:
    user = users.get(user_id)
    if user is not None and user.email:
        return user.email
    for method in methods.list_for_user(user_id):
        if method.is_pix and method.email:
            return method.email
    return None
