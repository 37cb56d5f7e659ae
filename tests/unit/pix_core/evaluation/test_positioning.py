"""Content, scoring, inference, next-challenge choice and stopping of the positioning."""

import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pix_core.evaluation.adapters.content_bank import default_content, load_content
from pix_core.evaluation.domain.assessments import AssessmentKind, KnowledgeSource, KnowledgeStatus
from pix_core.evaluation.domain.content import ContentError, build_content
from pix_core.evaluation.domain.errors import AnswerAlreadyGiven, ChallengeNotCurrent
from pix_core.evaluation.domain.framework import Challenge, ChallengeType
from pix_core.evaluation.domain.positioning import (
    MAX_CHALLENGES,
    competence_target,
    estimate_level,
    infer,
    next_challenge,
)
from pix_core.evaluation.domain.scoring import competence_level, competence_pix, skill_pix_values
from pix_core.evaluation.usecases.answer_challenge import answer_challenge
from pix_core.evaluation.usecases.compute_profile import compute_profile
from pix_core.evaluation.usecases.start_assessment import start_assessment
from pix_core.evaluation.usecases.start_competence_evaluation import start_competence_evaluation
from tests.unit.pix_core.accounts.fakes import FakeClock
from tests.unit.pix_core.evaluation.fakes import InMemoryAssessmentRepositories

CONTENT = default_content()


def right_answer(challenge: Challenge) -> str:
    if challenge.type is ChallengeType.QROC:
        return challenge.accepted[0]
    return ",".join(str(n) for n in challenge.solution)


def wrong_answer(challenge: Challenge) -> str:
    if challenge.type is ChallengeType.QROC:
        return "réponse fausse"
    wrong = [n for n in range(1, len(challenge.choices) + 1) if n not in challenge.solution]
    return str(wrong[0])


# --- content ---------------------------------------------------------------------------


def test_the_packaged_content_covers_the_16_competences():
    assert len(CONTENT.framework.competences) == 16
    for competence in CONTENT.framework.competences:
        assert len(competence.tube_ids) >= 3
        for tube_id in competence.tube_ids:
            tube = CONTENT.tubes[tube_id]
            levels = [CONTENT.skills[s].level for s in tube.skill_ids]
            assert levels == [1, 2, 3, 4, 5]
            assert all(s == f"@{tube_id}{CONTENT.skills[s].level}" for s in tube.skill_ids)
    assert len(CONTENT.skills) >= 240
    assert len(CONTENT.challenges) >= 240
    assert all(CONTENT.skills[s].challenge_ids for s in CONTENT.skills)
    for challenge in CONTENT.challenges.values():  # every solution is reachable
        assert challenge.is_correct(right_answer(challenge))
        assert not challenge.is_correct(wrong_answer(challenge))


def _doc(**challenge):
    base = {"id": "x1a", "type": "qcu", "instruction": "Q ?", "choices": ["a", "b"],
            "solution": [1]}
    return {"competence": "1.1", "tubes": [{"id": "x", "name": "X", "skills": [
        {"id": "@x1", "level": 1, "challenges": [{**base, **challenge}]}]}]}


@pytest.mark.parametrize(
    ("document", "entry", "problem"),
    [
        ({**_doc(), "competence": "9.9"}, "competence '9.9'", "unknown competence"),
        (_doc(solution=[1, 2]), "challenge 'x1a'", "exactly one correct"),
        (_doc(type="qcm", solution=[]), "challenge 'x1a'", "without correct"),
        (_doc(type="qroc", accepted=[]), "challenge 'x1a'", "without accepted"),
        (_doc(type="qcx"), "challenge 'x1a'", "type"),
        ({"competence": "1.1", "tubes": [{"id": "x", "skills": [
            {"id": "@x1", "level": 1, "challenges": []}]}]}, "skill '@x1'", "without challenge"),
        ({"competence": "1.1", "tubes": [{"id": "x", "skills": [
            {"id": "@x9", "level": 9, "challenges": []}]}]}, "skill '@x9'", "level"),
    ],
)
def test_invalid_content_is_refused_naming_the_file_and_entry(document, entry, problem):
    with pytest.raises(ContentError) as err:
        build_content([("1.1.yaml", document)])
    assert str(err.value).startswith(f"1.1.yaml: {entry}: ")
    assert problem in str(err.value)


def test_duplicate_challenge_ids_are_refused(tmp_path):
    (tmp_path / "1.1.yaml").write_text(
        "competence: '1.1'\ntubes:\n- id: x\n  skills:\n"
        "  - {id: '@x1', level: 1, challenges: [{id: c, type: qroc, instruction: Q, "
        "accepted: [a]}]}\n"
        "  - {id: '@x2', level: 2, challenges: [{id: c, type: qroc, instruction: Q, "
        "accepted: [a]}]}\n"
    )
    with pytest.raises(ContentError, match=r"^1\.1\.yaml: challenge 'c': duplicate"):
        load_content(tmp_path)


def test_answers_are_compared_after_normalisation():
    qroc = Challenge("c", "@x1", ChallengeType.QROC, "Q", accepted=("Hameçonnage",))
    assert qroc.is_correct("  hameconnage ")
    assert qroc.is_correct("HAMEÇON NAGE")
    assert not qroc.is_correct("")
    assert not qroc.is_correct("phishing")
    qcm = Challenge("m", "@x1", ChallengeType.QCM, "Q", ("a", "b", "c"), (1, 3))
    assert qcm.is_correct("3,1")
    assert not qcm.is_correct("1")
    assert not qcm.is_correct("1,2,3")
    assert "solution" not in repr(qcm)
    assert "(1, 3)" not in repr(qcm)


# --- scoring ---------------------------------------------------------------------------


def test_a_skill_is_worth_8_over_the_skills_of_its_level_at_most_4():
    values = skill_pix_values({"@a1": 1, "@b1": 1, "@c1": 1, "@a2": 2, "@a3": 3, "@b3": 3})
    assert values["@a1"] == Fraction(8, 3)
    assert values["@a2"] == 4
    assert values["@a3"] == 4
    assert competence_pix(["@a1", "@b1", "@c1"], values) == 8
    assert competence_pix(["@a1", "@a2", "@x9"], values) == 6  # 6.67 rounded down


def test_a_full_competence_is_worth_40_pix_and_the_level_is_capped():
    skills = CONTENT.skills_of_competence("1.1")
    values = skill_pix_values({s.id: s.level for s in skills})
    assert competence_pix(values, values) == 40
    assert competence_level(40) == 5
    assert competence_level(40, max_open_level=3) == 3


# --- inference, estimate, next challenge -----------------------------------------------


def test_a_right_answer_validates_the_easier_skills_of_the_tube():
    found = infer(CONTENT, "@recherche3", True, known={"@recherche1"})
    assert found == [
        ("@recherche3", KnowledgeStatus.VALIDATED, KnowledgeSource.DIRECT),
        ("@recherche2", KnowledgeStatus.VALIDATED, KnowledgeSource.INFERRED),
    ]


def test_a_wrong_answer_invalidates_the_harder_skills_of_the_tube():
    found = infer(CONTENT, "@recherche3", False, known=set())
    assert [(s, st.value, src.value) for s, st, src in found] == [
        ("@recherche3", "invalidated", "direct"),
        ("@recherche4", "invalidated", "inferred"),
        ("@recherche5", "invalidated", "inferred"),
    ]


def test_the_estimate_starts_at_2_and_follows_the_answers():
    assert estimate_level([]) == 2
    assert estimate_level([(2, True)]) > 2
    assert estimate_level([(2, False)]) < 2
    assert 2 < estimate_level([(2, True), (3, True), (5, False)]) < 5


def test_the_first_challenge_is_near_level_2_and_the_choice_is_deterministic():
    target = competence_target(CONTENT, "1.1", 5)
    picks = {next_challenge(CONTENT, target, {}, [], set(), random.Random(7)).id
             for _ in range(3)}
    assert len(picks) == 1
    skill = CONTENT.skills[CONTENT.challenges[picks.pop()].skill_id]
    assert skill.level == 2


def test_unknown_skills_only_and_unseen_challenges_first():
    target = ["@recherche1", "@recherche2"]
    rng = random.Random(1)
    chosen = next_challenge(CONTENT, target, {"@recherche2"}, [], set(), rng)
    assert chosen.skill_id == "@recherche1"
    assert next_challenge(CONTENT, target, {"@recherche1", "@recherche2"}, [], set(), rng) is None


# --- whole assessments through the use cases ------------------------------------------


def run_evaluation(code, answer_for, seed=0):
    repos, clock, rng = InMemoryAssessmentRepositories(), FakeClock(), random.Random(seed)
    assessment = start_competence_evaluation(
        repos, CONTENT, clock, rng, user_id=1, competence_code=code, max_open_level=5)
    asked = 0
    while not assessment.is_completed:
        challenge = CONTENT.challenges[assessment.current_challenge_id]
        outcome = answer_challenge(
            repos, CONTENT, clock, rng, assessment_id=assessment.id, user_id=1,
            challenge_id=challenge.id, answer=answer_for(challenge))
        assessment, asked = outcome.assessment, asked + 1
    scores = compute_profile(repos.knowledge_elements, CONTENT, user_id=1, max_open_level=5)
    return scores.competences[code], asked, repos


CODES = st.sampled_from([c.code for c in CONTENT.framework.competences])


@settings(max_examples=30, deadline=None)
@given(code=CODES, seed=st.integers(0, 2**32))
def test_a_pupil_right_everywhere_reaches_the_highest_open_level(code, seed):
    result, asked, _ = run_evaluation(code, right_answer, seed)
    assert (result.level, result.pix) == (5, 40)
    assert asked <= len(competence_target(CONTENT, code, 5))


@settings(max_examples=30, deadline=None)
@given(code=CODES, seed=st.integers(0, 2**32))
def test_a_pupil_wrong_everywhere_stays_at_0(code, seed):
    result, asked, _ = run_evaluation(code, wrong_answer, seed)
    assert (result.level, result.pix) == (0, 0)
    assert asked <= len(CONTENT.framework.competence(code).tube_ids) * 2


@settings(max_examples=50, deadline=None)
@given(code=CODES, seed=st.integers(0, 2**32), luck=st.lists(st.booleans(), min_size=15,
                                                               max_size=15))
def test_the_number_of_challenges_is_bounded_and_every_target_skill_ends_known(
    code, seed, luck
):
    answers = iter(luck)
    result, asked, repos = run_evaluation(
        code, lambda c: right_answer(c) if next(answers) else wrong_answer(c), seed)
    target = competence_target(CONTENT, code, 5)
    assert asked <= min(len(target), MAX_CHALLENGES)
    known = {e.skill_id for e in repos.knowledge_elements.rows}
    assert set(target) <= known
    assert 0 <= result.level <= 5


def test_the_bound_stops_a_big_campaign():
    repos, clock, rng = InMemoryAssessmentRepositories(), FakeClock(), random.Random(3)
    assessment = start_assessment(repos, CONTENT, clock, rng, user_id=1,
                                  target_skill_ids=list(CONTENT.skills),
                                  kind=AssessmentKind.CAMPAIGN, campaign_participation_id=9)
    asked = 0
    while not assessment.is_completed:
        challenge = CONTENT.challenges[assessment.current_challenge_id]
        assessment = answer_challenge(
            repos, CONTENT, clock, rng, assessment_id=assessment.id, user_id=1,
            challenge_id=challenge.id, answer=right_answer(challenge)).assessment
        asked += 1
    assert asked <= MAX_CHALLENGES
    assert assessment.campaign_participation_id == 9


def test_a_second_answer_or_another_challenge_is_refused():
    repos, clock, rng = InMemoryAssessmentRepositories(), FakeClock(), random.Random(0)
    assessment = start_competence_evaluation(
        repos, CONTENT, clock, rng, user_id=1, competence_code="4.1", max_open_level=5)
    first = assessment.current_challenge_id
    answer_challenge(repos, CONTENT, clock, rng, assessment_id=assessment.id, user_id=1,
                     challenge_id=first, answer="1")
    with pytest.raises(AnswerAlreadyGiven):
        answer_challenge(repos, CONTENT, clock, rng, assessment_id=assessment.id, user_id=1,
                         challenge_id=first, answer="1")
    with pytest.raises(ChallengeNotCurrent):
        answer_challenge(repos, CONTENT, clock, rng, assessment_id=assessment.id, user_id=1,
                         challenge_id="recherche1a", answer="1")


def test_resuming_returns_the_started_evaluation():
    repos, clock, rng = InMemoryAssessmentRepositories(), FakeClock(), random.Random(0)
    first = start_competence_evaluation(repos, CONTENT, clock, rng, user_id=1,
                                        competence_code="2.1", max_open_level=5)
    again = start_competence_evaluation(repos, CONTENT, clock, rng, user_id=1,
                                        competence_code="2.1", max_open_level=5)
    assert again == first
    assert len(repos.assessments.rows) == 1
