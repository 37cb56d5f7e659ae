"""``REDIS_URL``'s Sentinel and Cluster forms, and the hash tags of key names."""

from __future__ import annotations

import pytest
from redis.cluster import key_slot

from proxy.stores.connection import RedisLocation, RedisUrlError, parse_redis_url, tagged


def test_a_sentinel_url_names_its_sentinels_the_service_and_the_database():
    where = parse_redis_url("redis+sentinel://:s3cret@10.0.0.1:26379,10.0.0.2:26380/pixgar/2")

    assert where == RedisLocation("redis+sentinel", (("10.0.0.1", 26379), ("10.0.0.2", 26380)),
                                  "pixgar", 2, "s3cret")


def test_a_sentinel_url_without_database_uses_0():
    assert parse_redis_url("redis+sentinel://h:26379/mymaster").db == 0


def test_a_cluster_url_lists_its_start_nodes():
    where = parse_redis_url("redis+cluster://a:7000,b:7001,[::1]:7002")

    assert where.nodes == (("a", 7000), ("b", 7001), ("::1", 7002))
    assert parse_redis_url("redis+cluster://a:7000/0").db == 0  # as pyop's URL rewrite gives


@pytest.mark.parametrize(("url", "message"), [
    ("redis+sentinel://h:26379", "service_name"),
    ("redis+sentinel://h:26379/svc/x", "number"),
    ("redis+sentinel:///svc", "host:port"),
    ("redis+sentinel://h/svc", "host:port"),
    ("redis+cluster://a:7000/3", "database 0"),
])
def test_a_malformed_url_is_refused_with_the_part_named(url, message):
    with pytest.raises(RedisUrlError, match=message):
        parse_redis_url(url)


def test_the_password_never_appears_in_a_refusal():
    with pytest.raises(RedisUrlError) as refused:
        parse_redis_url("redis+cluster://:hunter2@a:7000/5")

    assert "hunter2" not in str(refused.value)


def test_keys_with_one_tag_share_a_cluster_slot_whatever_their_prefix():
    tag = "0f" * 32

    assert key_slot(tagged("pixgar:redeemed-code:", tag).encode()) == key_slot(
        tagged("pixgar:oidc:authz_codes:", tag).encode())
    assert tagged("a:", "t", ":b") == "a:{t}:b"
