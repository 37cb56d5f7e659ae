from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from pix_core.certification.domain.selection import select_challenges
from pix_core.evaluation.adapters.content_bank import default_content

CONTENT = default_content()
ALL_SKILLS = sorted(CONTENT.skills)
COMPETENCES = [c.code for c in CONTENT.framework.competences if c.tube_ids]


def skills_of(code):
    return CONTENT.skills_of_competence(code)


def test_three_challenges_per_competence_from_the_highest_validated_skills_down():
    code = COMPETENCES[0]
    validated = {s.id for s in skills_of(code)}
    chosen = select_challenges(CONTENT, [code], validated, seen_challenge_ids=set())
    assert len(chosen) == 3
    levels = [CONTENT.skills[c.skill_id].level for c in chosen]
    top = sorted((s.level for s in skills_of(code)), reverse=True)[:3]
    assert levels == top
    assert len({c.skill_id for c in chosen}) == 3


def test_unseen_challenges_come_first_at_the_same_level():
    code = COMPETENCES[0]
    by_level = Counter(s.level for s in skills_of(code))
    level = max(lvl for lvl, n in by_level.items() if n >= 2)
    same = [s for s in skills_of(code) if s.level == level]
    validated = {s.id for s in same}
    seen = set(same[0].challenge_ids)
    first = select_challenges(CONTENT, [code], validated, seen)[0]
    assert first.skill_id != same[0].id
    again = select_challenges(CONTENT, [code], validated, set())[0]
    assert again.skill_id == min(s.id for s in same)  # reproducible without seen ones


def test_fewer_validated_skills_fewer_questions():
    code = COMPETENCES[1]
    one = skills_of(code)[0]
    chosen = select_challenges(CONTENT, [code], {one.id}, set())
    assert [c.skill_id for c in chosen] == [one.id]
    assert select_challenges(CONTENT, [code], set(), set()) == ()


@settings(max_examples=60, deadline=None)
@given(st.sets(st.sampled_from(ALL_SKILLS), max_size=80),
       st.lists(st.sampled_from(COMPETENCES), unique=True, max_size=8),
       st.sets(st.sampled_from(sorted(CONTENT.challenges)), max_size=60))
def test_every_selected_challenge_is_of_an_eligible_competence_and_validated(
        validated, competences, seen):
    chosen = select_challenges(CONTENT, competences, validated, seen)
    per_competence = Counter(c.competence_code for c in chosen)
    assert set(per_competence) <= set(competences)
    assert all(n <= 3 for n in per_competence.values())
    for challenge in chosen:
        skill = CONTENT.skills[challenge.skill_id]
        assert skill.id in validated
        assert skill.competence_code == challenge.competence_code
        assert challenge.challenge_id in skill.challenge_ids
    assert len({c.challenge_id for c in chosen}) == len(chosen)
