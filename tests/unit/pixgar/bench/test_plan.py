"""pixgar/bench: the run the options ask for, the load's split, what the meter subtracts."""

from __future__ import annotations

import argparse
import multiprocessing
from collections import Counter

import pytest

from pixgar.bench.command import add_parser, plan_of
from pixgar.bench.load import split
from pixgar.bench.meter import Reading, key_pattern


def options(*argv: str) -> argparse.Namespace:
    root = argparse.ArgumentParser()
    add_parser(root.add_subparsers(dest="command"))
    return root.parse_args(["bench", *argv])


def test_defaults_quick_and_long_runs():
    normal = plan_of(options())
    assert normal.levels == (1, 8, 32)
    assert normal.logins == 200
    assert normal.pupils == 100
    quick = plan_of(options("--quick"))
    assert quick.levels == (8,)
    assert quick.logins == 32
    assert quick.baseline
    long = plan_of(options("--long", "--concurrency", "4,16"))
    assert long.levels == (16,)
    assert long.logins == 100_000
    assert long.sample_every == 2500
    assert long.pupils == 1000
    assert plan_of(options("--long", "--logins", "2000")).logins == 2000


def test_the_warm_up_logs_every_pupil_in_once_unless_told_otherwise():
    assert plan_of(options("--quick")).warmup == 8
    assert plan_of(options("--pupils", "3")).warmup == 2 * multiprocessing.cpu_count()
    assert plan_of(options("--pupils", "500", "--warmup", "0")).warmup == 0


def test_batches_keep_every_thread_busy_within_bounds():
    plan = plan_of(options())
    assert [plan.batch_size(c) for c in (1, 8, 32, 64)] == [16, 64, 256, 256]
    assert plan_of(options("--batch", "10")).batch_size(32) == 10


@pytest.mark.parametrize(("argv", "message"), [
    (("--concurrency", "8,x"), "--concurrency"),
    (("--concurrency", "0"), "--concurrency"),
    (("--logins", "0"), "--logins"),
    (("--workers", "0"), "--workers"),
    (("--pupils", "0"), "--pupils"),
])
def test_options_that_make_no_run_are_named(argv, message):
    with pytest.raises(ValueError, match=message):
        plan_of(options(*argv))


def test_quick_and_long_exclude_each_other():
    with pytest.raises(SystemExit):
        options("--quick", "--long")


def test_logins_are_shared_in_proportion_to_each_driver_threads():
    shares = split(list(range(10)), concurrency=3, drivers=2)

    assert [threads for _, threads in shares] == [2, 1]
    assert sorted(shares[0][0] + shares[1][0]) == list(range(10))
    assert len(shares[0][0]) == 7
    assert len(shares[1][0]) == 3
    assert split(list(range(4)), concurrency=1, drivers=4) == [([0, 1, 2, 3], 1)]


def test_a_phase_delta_leaves_unknown_cpu_unknown_and_drops_the_meter_own_commands():
    before = Reading({"proxy": 10.0, "redis": None}, Counter({"get": 5, "set": 1}), 100.0)
    after = Reading({"proxy": 12.5, "redis": None}, Counter({"get": 9, "set": 1, "xadd": 2}),
                    103.0)

    cpu, commands, seconds = before.until(after)

    assert cpu == {"proxy": 2.5, "redis": None}
    assert commands == Counter({"get": 4, "xadd": 2})
    assert seconds == 3.0


def test_key_names_lose_their_random_parts_only():
    assert key_pattern("pixgar:audit") == "pixgar:audit"
    assert key_pattern("authz_codes:0f3c9a1b2d4e5f60718293a4") == "authz_codes:*"
    assert key_pattern("satosa:pending:_a1b2c3d4e5f6a7b8:x") == "satosa:pending:*:x"
