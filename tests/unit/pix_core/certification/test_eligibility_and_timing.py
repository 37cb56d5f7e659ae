from datetime import UTC, datetime, timedelta

import pytest

from pix_core.certification.domain.eligibility import eligibility
from pix_core.certification.domain.timing import (
    answered_in_time,
    seconds_left,
    time_limit,
)


@pytest.mark.parametrize(("levels", "eligible", "missing"), [
    ({"1.1": 1, "1.2": 1, "1.3": 2, "2.1": 5, "2.2": 1}, True, 0),
    ({"1.1": 1, "1.2": 1, "1.3": 2, "2.1": 5, "2.2": 0}, False, 1),
    ({}, False, 5),
    ({f"{a}.{b}": 3 for a in range(1, 4) for b in range(1, 3)}, True, 0),
])
def test_eligible_from_five_competences_at_level_one(levels, eligible, missing):
    result = eligibility(levels)
    assert result.is_eligible is eligible
    assert result.missing == missing
    assert all(levels[code] >= 1 for code in result.certifiable_competences)


@pytest.mark.parametrize(("extra", "seconds"), [(0, 120), (33, 160), (50, 180), (100, 240)])
def test_time_limit_grows_with_extra_time(extra, seconds):
    assert time_limit(extra) == timedelta(seconds=seconds)


@pytest.mark.parametrize("extra", [-1, 201])
def test_extra_time_out_of_range_is_refused(extra):
    with pytest.raises(ValueError, match="extra time"):
        time_limit(extra)


def test_the_clock_runs_from_when_the_challenge_was_first_shown():
    shown = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
    limit = time_limit(50)
    assert seconds_left(shown, shown + timedelta(seconds=30), limit) == 150
    assert seconds_left(shown, shown + timedelta(hours=1), limit) == 0
    assert answered_in_time(shown, shown + timedelta(seconds=184), limit)
    assert not answered_in_time(shown, shown + timedelta(seconds=186), limit)
