"""Whole logins on a Redis Cluster and behind Redis Sentinel, started here on loopback.

The Sentinel failover runs under a bounded load: logins go on in several threads while
the master is killed. Logins in flight may fail, each with a readable French page (the
503 "indisponible" page, or a refusal when the login's state was lost with the master);
no response is accepted twice; new logins work once the new master is elected. The
failover time and the logins lost are printed (``-s`` shows them).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass

import pytest
import redis

from pixgar.bench.services import ServiceUnavailable
from pixgar.bench.topologies import RedisClusterServers, SentinelServers
from tests.flows.conftest import Browser, make_stack
from tests.support.wsgi_transport import routed_session

PUPILS = ("lea-lefevre", "noe-garcon", "chloe-benoit")


@pytest.fixture
def cluster():
    try:
        servers = RedisClusterServers()
        servers.start()
    except ServiceUnavailable as missing:
        pytest.skip(str(missing))
    yield servers
    servers.close()


@pytest.fixture
def sentinel():
    try:
        servers = SentinelServers()
        servers.start()
    except ServiceUnavailable as missing:
        pytest.skip(str(missing))
    yield servers
    servers.close()


def new_browser(stack) -> Browser:
    return Browser(stack, *routed_session(dict(stack.apps)))


@dataclass
class Attempt:
    outcome: str  # "ok", "unavailable", "refused", "other"
    started: float
    ended: float
    status: int
    acs_form: object = None  # the accepted response, to replay afterwards
    browser: Browser | None = None


def attempt_login(stack, pupil: str) -> Attempt:
    started = time.monotonic()
    browser = new_browser(stack)
    try:
        autopost = browser.click_pix(browser.open_mediacentre(pupil))
        page = autopost if "SAMLResponse" not in autopost.text else browser.post_saml(autopost)
    except Exception as error:  # a login must end on a page, never on an exception
        return Attempt(f"other: {type(error).__name__}", started, time.monotonic(), 0)
    ended = time.monotonic()
    if page.status_code == 200 and page.url.endswith("/profil"):
        return Attempt("ok", started, ended, 200, autopost, browser)
    readable = '<html lang="fr">' in page.text and "Référence de l'erreur" in page.text
    if page.status_code == 503 and readable and "indisponible" in page.text:
        return Attempt("unavailable", started, ended, 503)
    if 400 <= page.status_code < 500 and readable:
        return Attempt("refused", started, ended, page.status_code)
    return Attempt(f"other: HTTP {page.status_code}", started, ended, page.status_code)


def replay_is_refused(attempt: Attempt) -> bool:
    """The accepted SAML response posted again, by the same browser: no second login."""
    assert attempt.browser is not None
    page = attempt.browser.post_saml(attempt.acs_form)
    return not page.url.endswith("/profil")


def test_a_login_through_a_redis_cluster_spreads_its_keys_over_the_masters(tmp_path, cluster):
    stack = make_stack(tmp_path, cluster.url)

    first = attempt_login(stack, "lea-lefevre")
    second = attempt_login(stack, "noe-garcon")

    assert (first.outcome, second.outcome) == ("ok", "ok")
    assert replay_is_refused(first)
    nodes = cluster.node_clients()
    try:
        holding = [node for node in nodes if node.dbsize() > 0]
        assert len(holding) >= 2, "hash tags spread the logins' keys over the masters"
        for node in nodes:
            for key in node.scan_iter():
                assert node.type(key) == b"stream" or node.ttl(key) > 0, key
    finally:
        for node in nodes:
            node.close()


def test_a_login_through_sentinel_reaches_the_master_it_names(tmp_path, sentinel):
    stack = make_stack(tmp_path, sentinel.url)

    attempt = attempt_login(stack, "lea-lefevre")

    assert attempt.outcome == "ok"
    master = redis.Redis(port=sentinel.master_port)
    try:
        assert master.dbsize() > 0
    finally:
        master.close()
    assert replay_is_refused(attempt)


def run_logins(stack, stop: threading.Event, attempts: list[Attempt], index: int) -> None:
    count = 0
    while not stop.is_set():
        attempts.append(attempt_login(stack, PUPILS[(index + count) % len(PUPILS)]))
        count += 1


def wait_for_new_master(sentinel: SentinelServers, old_port: int, timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        address = sentinel.master_address()
        if address is not None and address[1] != old_port:
            return time.monotonic()
        time.sleep(0.05)
    raise AssertionError(f"no new master elected within {timeout}s")


def test_a_sentinel_failover_under_load_loses_only_logins_in_flight(tmp_path, sentinel):
    stack = make_stack(tmp_path, sentinel.url)
    assert attempt_login(stack, "lea-lefevre").outcome == "ok"  # warm: apps and keys built
    attempts: list[Attempt] = []
    stop = threading.Event()
    threads = [threading.Thread(target=run_logins, args=(stack, stop, attempts, i))
               for i in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(4)

    killed_at = time.monotonic()
    old_port = sentinel.kill_master()
    elected_at = wait_for_new_master(sentinel, old_port, timeout=30)
    deadline = time.monotonic() + 60  # then until three logins started after it succeeded
    while time.monotonic() < deadline and sum(
            1 for a in list(attempts) if a.started > elected_at and a.outcome == "ok") < 3:
        time.sleep(0.2)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)

    outcomes = Counter(a.outcome for a in attempts)
    lost = [a for a in attempts if a.outcome != "ok"]
    resumed = min((a.ended for a in attempts if a.outcome == "ok" and a.started > killed_at),
                  default=float("nan"))
    print(f"\nfailover: master killed, new master named after {elected_at - killed_at:.1f}s,"
          f" first login started after the kill done after {resumed - killed_at:.1f}s;"
          f" {len(attempts)} logins, {len(lost)} lost ({dict(outcomes)})")
    assert not [a.outcome for a in attempts if a.outcome.startswith("other")], outcomes
    assert all(a.started < elected_at + 5 for a in lost), "logins fail only around the failover"
    assert sum(1 for a in attempts if a.started > elected_at and a.outcome == "ok") >= 3
    accepted = [a for a in attempts if a.outcome == "ok"]
    assert all(replay_is_refused(a) for a in accepted), "an accepted response was accepted again"
