"""Rate limits: Pix Orga login (per account, per client IP), reconciliation (per user);
French 429 page with a reference and Retry-After; shared counters; the injected clock."""

from __future__ import annotations

import inspect
from datetime import timedelta

import pytest

import pix_core.shared.domain.rate_limit as rate_limit
from kernel.sql.engine import make_engine
from pix_core.campaigns.domain.campaigns import CAMPAIGN_CODE_PER_USER
from pix_core.database.migrate import upgrade
from pix_core.shared.adapters.sql.rate_limit_counters import SqlAttemptCounter
from pix_core.shared.domain.rate_limit import (
    InMemoryAttemptCounter,
    RateLimiter,
    RateLimitRule,
    TooManyAttempts,
    decide,
)
from tests.unit.pix_core.orga.fakes import UAI
from tests.unit.pix_core.security.conftest import (
    ADMIN_EMAIL,
    MEMBER_EMAIL,
    PASSWORD,
    assert_french_error,
)

RULE = RateLimitRule("test", 10, timedelta(minutes=15))
RECONCILE = f"/organisations/{UAI}/avant-de-commencer"


def assert_429(response) -> None:
    assert_french_error(response, 429)
    assert "Trop de tentatives" in response.get_data(as_text=True)
    assert 1 <= int(response.headers["Retry-After"]) <= 30 * 60


# --- the rule (domain) ----------------------------------------------------------------

def test_ten_attempts_pass_the_eleventh_is_refused_until_the_window_slides(clock):
    limiter = RateLimiter(InMemoryAttemptCounter(), clock)
    for _ in range(10):
        limiter.hit(RULE, "x")
    with pytest.raises(TooManyAttempts) as refused:
        limiter.hit(RULE, "x")
    assert refused.value.retry_after > 0
    assert refused.value.kind == "rate_limited:test"
    limiter.hit(RULE, "someone else")  # other subjects are not affected
    clock.advance(seconds=refused.value.retry_after)
    limiter.hit(RULE, "x")  # Retry-After is honest


def test_no_burst_of_twice_the_limit_around_a_window_boundary(clock):
    limiter = RateLimiter(InMemoryAttemptCounter(), clock)
    clock.now = clock.now.replace(minute=14, second=59)  # the end of a 15-minute window
    for _ in range(10):
        limiter.hit(RULE, "x")
    clock.advance(seconds=2)  # a new fixed window, but the previous one still weighs
    with pytest.raises(TooManyAttempts):
        limiter.hit(RULE, "x")


def test_decide_retry_after_points_at_the_first_moment_that_passes():
    assert decide(RULE, 10, 0, 0).allowed
    refused = decide(RULE, 11, 0, 60)
    assert not refused.allowed
    later = 60 + refused.retry_after - 900  # elapsed in the next window by then
    assert decide(RULE, 1, 11, later).allowed
    assert not decide(RULE, 1, 11, later - 2).allowed


def test_the_limiter_reads_only_the_injected_clock():
    source = inspect.getsource(rate_limit)
    assert "datetime.now" not in source
    assert "time.time" not in source


def test_the_same_limiter_serves_campaign_codes(clock):
    limiter = RateLimiter(InMemoryAttemptCounter(), clock)
    for _ in range(CAMPAIGN_CODE_PER_USER.limit):
        limiter.hit(CAMPAIGN_CODE_PER_USER, "42")
    with pytest.raises(TooManyAttempts):
        limiter.hit(CAMPAIGN_CODE_PER_USER, "42")


# --- through the web --------------------------------------------------------------------

def test_orga_login_is_limited_per_account_even_with_the_right_password(world):
    for _ in range(10):
        assert world.orga_login(ADMIN_EMAIL, "faux").status_code == 401
    assert_429(world.orga_login(ADMIN_EMAIL, PASSWORD))
    assert_429(world.orga_login(" Admin@Exemple.FR ", PASSWORD))  # same account
    assert world.orga_login(MEMBER_EMAIL, PASSWORD).status_code == 303  # others fine
    world.clock.advance(minutes=31)
    assert world.orga_login(ADMIN_EMAIL, PASSWORD).status_code == 303


def test_orga_login_is_limited_per_client_ip(world):
    ip = {"REMOTE_ADDR": "203.0.113.7"}
    for i in range(50):
        world.orga_login(f"inconnu{i}@exemple.fr", "x", environ_overrides=ip)
    assert_429(world.orga_login(ADMIN_EMAIL, PASSWORD, environ_overrides=ip))
    other_ip = {"REMOTE_ADDR": "198.51.100.1"}
    assert world.orga_login(ADMIN_EMAIL, PASSWORD, environ_overrides=other_ip
                            ).status_code == 303


def test_reconciliation_attempts_are_limited_per_user(world):
    form = {"csrf_token": "tok", "nom": "Inconnu", "prenom": "X", "jour": "1", "mois": "1",
            "annee": "2010"}
    world.log_in_as(world.uow.pupil())
    for _ in range(10):
        assert world.post(RECONCILE, data=form).status_code == 200
    assert_429(world.post(RECONCILE, data=form))
    world.log_in_as(world.uow.pupil(first="Léo", last="Martin"))
    assert world.post(RECONCILE, data=form).status_code == 200


def test_counters_are_shared_by_workers(world, tmp_path):
    """Two PixWeb instances (two gunicorn workers) over one database share the counters."""
    url = f"sqlite:///{tmp_path}/pix.db"
    upgrade(url)
    engine = make_engine(url)
    try:
        workers = [world.make_web(SqlAttemptCounter(engine)) for _ in range(2)]
        for i in range(10):
            world.client.application = workers[i % 2]
            assert world.orga_login(ADMIN_EMAIL, "faux").status_code == 401
        world.client.application = workers[0]
        assert_429(world.orga_login(ADMIN_EMAIL, PASSWORD))
    finally:
        engine.dispose()
