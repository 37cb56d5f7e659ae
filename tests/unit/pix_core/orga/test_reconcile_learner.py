"""reconcile_learner: every branch of "Avant de commencer", with in-memory repositories."""

from datetime import date

import pytest

from pix_core.accounts.domain.errors import GarAccountRequired
from pix_core.accounts.domain.users import SiecleClaims
from pix_core.orga.domain.reconciliation import Answers, ReconciliationStatus
from pix_core.orga.usecases.reconcile_learner import reconcile_learner
from tests.unit.pix_core.accounts.fakes import FakeClock
from tests.unit.pix_core.orga.fakes import BIRTH, UAI, OrgaUnitOfWork

S = ReconciliationStatus


@pytest.fixture
def uow():
    return OrgaUnitOfWork()


def run(uow, user, answers=None, uai=UAI, clock=None):
    return reconcile_learner(
        user.id, uai, answers, organizations=uow.organizations, learners=uow.learners,
        users=uow.users, methods=uow.methods, clock=clock or FakeClock(),
    )


def test_no_roster_means_nothing_to_do(uow):
    uow.school(imported=None)
    assert run(uow, uow.pupil()).status is S.NO_ROSTER
    assert run(uow, uow.pupil(), uai="0000000X").status is S.NO_ROSTER


def test_form_needed_when_the_proxy_did_not_match(uow):
    uow.school()
    uow.learners.put(1, "123456789AB", "Flora", "Dupont", BIRTH)
    pupil = uow.pupil(SiecleClaims("none", uai=UAI))
    assert run(uow, pupil).status is S.FORM_NEEDED


def test_automatic_tie_when_the_proxy_matched_in_this_school(uow):
    org = uow.school()
    learner = uow.learners.put(org.id, "123456789AB", "Flora", "Dupont", BIRTH)
    pupil = uow.pupil(SiecleClaims("matched", uai=UAI, ine="123456789AB", birthdate=BIRTH))
    outcome = run(uow, pupil)
    assert (outcome.status, outcome.automatic) == (S.TIED, True)
    assert uow.learners.rows[learner.id].user_id == pupil.id
    assert run(uow, pupil).status is S.ALREADY_IDENTIFIED


def test_a_match_made_in_another_school_asks_the_form(uow):
    org = uow.school()
    uow.learners.put(org.id, "123456789AB", "Flora", "Dupont", BIRTH)
    pupil = uow.pupil(SiecleClaims("matched", uai="0999999Z", ine="123456789AB"))
    assert run(uow, pupil).status is S.FORM_NEEDED


def test_automatic_tie_refused_when_the_learner_has_another_account(uow):
    org = uow.school()
    other = uow.pupil()
    uow.learners.put(org.id, "123456789AB", "Flora", "Dupont", BIRTH, user_id=other.id)
    pupil = uow.pupil(SiecleClaims("matched", uai=UAI, ine="123456789AB"))
    outcome = run(uow, pupil)
    assert outcome.status is S.TAKEN
    assert outcome.other_account_hint == "un compte connecté via l'ENT (GAR)"


def test_form_ties_exactly_one_learner(uow):
    org = uow.school()
    learner = uow.learners.put(org.id, "123456789AB", "Flóra", "Dupont-Moretti", BIRTH)
    uow.learners.put(org.id, "123456789AC", "Flora", "Dupont-Moretti", date(2010, 3, 15))
    pupil = uow.pupil()
    outcome = run(uow, pupil, Answers("dupont moretti", "FLORA", BIRTH))
    assert (outcome.status, outcome.automatic) == (S.TIED, False)
    assert uow.learners.rows[learner.id].user_id == pupil.id


def test_nobody_matches_and_the_pupil_may_try_again(uow):
    org = uow.school()
    uow.learners.put(org.id, "123456789AB", "Flora", "Dupont", BIRTH)
    pupil = uow.pupil()
    assert run(uow, pupil, Answers("Martin", "Léo", BIRTH)).status is S.NO_MATCH
    assert run(uow, pupil, Answers("Dupont", "Flora", BIRTH)).status is S.TIED


def test_inactive_learners_are_not_candidates(uow):
    org = uow.school()
    uow.learners.put(org.id, "123456789AB", "Flora", "Dupont", BIRTH, active=False)
    assert run(uow, uow.pupil(), Answers("Dupont", "Flora", BIRTH)).status is S.NO_MATCH


def test_homonyms_born_the_same_day_are_ambiguous(uow):
    org = uow.school()
    uow.learners.put(org.id, "123456789AB", "Flora", "Dupont", BIRTH, division="3A")
    uow.learners.put(org.id, "123456789AC", "Flora", "Dupont", BIRTH, division="3B")
    outcome = run(uow, uow.pupil(), Answers("Dupont", "Flora", BIRTH))
    assert outcome.status is S.AMBIGUOUS
    assert all(lr.user_id is None for lr in uow.learners.rows.values())


def test_taken_by_an_email_account_shows_the_masked_email(uow):
    org = uow.school()
    owner = uow.teacher(email="jeanne.dupont@exemple.fr")
    uow.learners.put(org.id, "123456789AB", "Flora", "Dupont", BIRTH, user_id=owner.id)
    outcome = run(uow, uow.pupil(), Answers("Dupont", "Flora", BIRTH))
    assert outcome.status is S.TAKEN
    assert outcome.other_account_hint == "j***@e***.fr"


def test_taken_by_a_gar_account_mentions_the_ent(uow):
    org = uow.school()
    owner = uow.pupil()
    learner = uow.learners.put(org.id, "123456789AB", "Flora", "Dupont", BIRTH,
                               user_id=owner.id)
    outcome = run(uow, uow.pupil(), Answers("Dupont", "Flora", BIRTH))
    assert (outcome.status, outcome.other_account_hint) == (
        S.TAKEN, "un compte connecté via l'ENT (GAR)")
    assert uow.learners.rows[learner.id].user_id == owner.id  # never re-linked


def test_a_concurrent_tie_is_refused_not_overwritten(uow):
    org = uow.school()
    winner = uow.pupil()
    learner = uow.learners.put(org.id, "123456789AB", "Flora", "Dupont", BIRTH)
    uow.learners.steal_before_tie = winner.id
    outcome = run(uow, uow.pupil(), Answers("Dupont", "Flora", BIRTH))
    assert outcome.status is S.TAKEN
    assert uow.learners.rows[learner.id].user_id == winner.id


def test_accounts_that_never_came_through_the_gar_are_refused(uow):
    uow.school()
    with pytest.raises(GarAccountRequired):
        run(uow, uow.teacher())
