"""The proxy's shared state on the machine's real Redis, seen from two clients (two workers)."""

from __future__ import annotations

import datetime as dt
import uuid

from proxy.stores.pending_requests import PendingRequests
from proxy.stores.replay_cache import ReplayCache, seen_key
from proxy.stores.unsolicited_logins import UnsolicitedLogins


def test_a_request_id_is_consumed_once_across_workers(workers):
    a, b = workers
    request_id = f"_req-{uuid.uuid4()}"
    PendingRequests(a, 60).remember(request_id)

    assert PendingRequests(b, 60).consume(request_id) is True
    assert PendingRequests(a, 60).consume(request_id) is False


def test_request_ids_are_not_stored_in_clear(workers):
    a, _ = workers
    PendingRequests(a, 60).remember("_req-clear-check")

    assert not a.keys("*_req-clear-check*")


def test_an_assertion_is_accepted_once_and_remembered_until_it_expires(workers):
    a, b = workers
    now = dt.datetime.now(dt.UTC)
    expiry = now + dt.timedelta(minutes=5)

    assertion_id = f"_assertion-{uuid.uuid4()}"

    assert ReplayCache(a, 60).first_time("gar", assertion_id, expiry, now) is True
    assert ReplayCache(b, 60).first_time("gar", assertion_id, expiry, now) is False
    ttl = a.ttl(seen_key("gar", assertion_id))
    assert 300 <= ttl <= 362


def test_an_unsolicited_handle_is_redeemed_once_and_holds_nothing_readable(workers):
    a, b = workers
    identity = {"attributes": {"ido": ["ido-value-that-must-not-leak"]}}
    handle = UnsolicitedLogins(a, 60).put(identity)

    stored = b"".join(a.get(k) for k in a.keys("pixgar:unsolicited-login:*"))
    assert b"ido-value-that-must-not-leak" not in stored
    assert UnsolicitedLogins(b, 60).take(handle) == identity
    assert UnsolicitedLogins(a, 60).take(handle) is None


def test_an_unknown_handle_redeems_nothing(workers):
    a, _ = workers
    assert UnsolicitedLogins(a, 60).take("forged") is None
