from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pix_core.certification.domain.scoring import (
    UNCERTIFIED,
    CompetenceMark,
    Positioned,
    Tally,
    certified_level,
    competence_score,
    reproducibility_rate,
    score_certification,
)

E = 4
R90, R75, R60 = Fraction(9, 10), Fraction(3, 4), Fraction(3, 5)

# (asked, correct, rate) -> certified level for a competence positioned at level E.
TABLE = [
    (3, 3, R60, E),
    (3, 2, R90, E),
    (3, 2, Fraction(4, 5), E),
    (3, 2, R75, E - 1),
    (3, 2, R60, E - 1),
    (3, 1, R90, UNCERTIFIED),
    (3, 0, R90, UNCERTIFIED),
    (2, 2, R60, E),
    (2, 1, R90, E),
    (2, 1, R75, E - 1),
    (2, 1, Fraction(7, 10), E - 1),
    (2, 1, R60, UNCERTIFIED),
    (2, 0, R90, UNCERTIFIED),
    (1, 1, R75, E),
    (1, 1, R60, E - 1),
    (1, 0, R90, UNCERTIFIED),
    (0, 0, R90, UNCERTIFIED),
]


@pytest.mark.parametrize(("asked", "correct", "rate", "level"), TABLE)
def test_certified_level_follows_the_table(asked, correct, rate, level):
    assert certified_level(E, asked, correct, rate) == level


@pytest.mark.parametrize(("pix", "positioned", "certified", "score"), [
    (37, 4, 4, 37), (37, 4, 3, 29), (37, 4, UNCERTIFIED, 0), (5, 1, 0, 0), (64, 8, 8, 64),
])
def test_score_loses_eight_pix_per_level_lost(pix, positioned, certified, score):
    assert competence_score(pix, positioned, certified) == score


def test_rate_and_its_bounds():
    assert reproducibility_rate(3, 4) == Fraction(3, 4)
    assert reproducibility_rate(0, 0) == 0
    with pytest.raises(ValueError, match="correct"):
        reproducibility_rate(5, 4)
    with pytest.raises(ValueError, match="at most 3"):
        certified_level(E, 4, 4, R90)


def test_a_whole_certification():
    positioned = {"1.1": Positioned(3, 28), "1.2": Positioned(2, 19), "2.1": Positioned(1, 9)}
    tallies = {"1.1": Tally(3, 3), "1.2": Tally(3, 2), "2.1": Tally(3, 1)}
    result = score_certification(positioned, tallies)
    assert (result.correct, result.asked, result.rate_percent) == (6, 9, 66)
    assert result.is_certified
    assert result.competences["1.1"].level == 3
    assert result.competences["1.1"].score == 28
    assert result.competences["1.2"].level == 1
    assert result.competences["1.2"].score == 11
    assert result.competences["2.1"].level == UNCERTIFIED
    assert result.total == 39


def test_below_half_nothing_is_certified():
    positioned = {"1.1": Positioned(3, 28), "1.2": Positioned(2, 19)}
    result = score_certification(positioned, {"1.1": Tally(3, 2), "1.2": Tally(3, 0)})
    assert not result.is_certified
    assert result.total == 0
    assert {m.level for m in result.competences.values()} == {UNCERTIFIED}


tallies = st.tuples(st.integers(0, 3), st.integers(0, 3)).map(
    lambda t: (max(t), min(t)))  # (asked, correct), correct <= asked

@given(st.integers(1, 8), st.integers(0, 64), tallies,
       st.fractions(min_value=0, max_value=1))
def test_level_and_score_stay_in_range(positioned, pix, tally, rate):
    asked, correct = tally
    level = certified_level(positioned, asked, correct, rate)
    assert UNCERTIFIED <= level <= positioned
    assert 0 <= competence_score(pix, positioned, level) <= 64

@given(st.integers(1, 8), st.integers(1, 3), st.integers(0, 2),
       st.fractions(min_value=0, max_value=1))
def test_one_more_correct_answer_never_lowers_the_level(positioned, asked, correct, rate):
    if correct + 1 <= asked:
        assert certified_level(positioned, asked, correct + 1, rate) >= certified_level(
            positioned, asked, correct, rate)

@given(st.integers(1, 60), st.data())
def test_the_rate_is_monotonic_in_correct_answers(asked, data):
    correct = data.draw(st.integers(0, asked - 1))
    assert reproducibility_rate(correct + 1, asked) > reproducibility_rate(correct, asked)


def test_exactly_half_is_certified():
    positioned = {"1.1": Positioned(3, 28), "1.2": Positioned(2, 19)}
    result = score_certification(positioned, {"1.1": Tally(3, 3), "1.2": Tally(3, 0)})
    assert result.is_certified
    assert result.rate_percent == 50
    assert result.competences["1.1"] == CompetenceMark(3, 28)  # 3 of 3: E, trusted or not
