from datetime import date

import pytest

from roster.domain.matching import MatchStatus, RosterEntry, find_learner, normalize_name

BIRTH = date(2011, 3, 14)


def entry(i, first, last, usage="", second="", third="", birth=BIRTH, division="3A"):
    return RosterEntry(i, f"INE{i:08d}", (first, second, third), (last, usage), birth, division)


ROSTER = [
    entry(1, "Léa", "Lefèvre"),
    entry(2, "Jean-Baptiste", "N'Diaye", second="Amadou"),
    entry(3, "Théo", "Martin", division="3A"),
    entry(4, "Théo", "Martin", division="3B", birth=date(2011, 7, 2)),
    entry(5, "Chloé", "Benoît", usage="Dupont"),
]


@pytest.mark.parametrize(("raw", "normalized"), [
    (" Lefèvre ", "lefevre"), ("N'Diaye", "ndiaye"), ("Jean - Baptiste", "jeanbaptiste"),
    ("ÉLOÏSE", "eloise"), ("Ça", "ca"), ("", ""),
])
def test_names_are_normalised(raw, normalized):
    assert normalize_name(raw) == normalized


def test_exact_names_match_one_learner_strictly():
    outcome = find_learner(ROSTER, "LEA", "lefevre")

    assert outcome.status is MatchStatus.MATCHED
    assert outcome.entry.learner_id == 1
    assert outcome.strict


def test_second_first_name_and_usage_name_are_accepted():
    assert find_learner(ROSTER, "Amadou", "N Diaye").entry.learner_id == 2
    assert find_learner(ROSTER, "Chloe", "Dupont").entry.learner_id == 5


def test_a_typo_is_tolerated_but_not_a_different_name():
    tolerant = find_learner(ROSTER, "Jean-Batiste", "Ndiaye")
    assert tolerant.matched
    assert not tolerant.strict
    assert find_learner(ROSTER, "Lucas", "Lefèvre").status is MatchStatus.NONE


def test_homonyms_are_never_guessed():
    assert find_learner(ROSTER, "Théo", "Martin").status is MatchStatus.AMBIGUOUS


def test_homonyms_are_told_apart_by_class_or_birth_date():
    assert find_learner(ROSTER, "Théo", "Martin", division="3B").entry.learner_id == 4
    assert find_learner(ROSTER, "Théo", "Martin", birthdate=BIRTH).entry.learner_id == 3


def test_empty_names_match_nobody():
    assert find_learner(ROSTER, "", "Martin").status is MatchStatus.NONE
