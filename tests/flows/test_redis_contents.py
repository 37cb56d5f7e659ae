"""What a whole login leaves in Redis: nothing about the pupil in clear, every key tagged.

On a Redis of the test's own, so that every key in it is this login's.
"""

from __future__ import annotations

import redis

from gar_sim.users import get_user
from tests.flows.conftest import AUDIT_STREAM, Browser, make_stack
from tests.support.wsgi_transport import routed_session

PUPIL = "lea-lefevre"
UNTAGGED = {AUDIT_STREAM}  # one stream for every login, on purpose


def logged_in_stack(tmp_path, redis_url: str):
    stack = make_stack(tmp_path, redis_url)
    browser = Browser(stack, *routed_session(dict(stack.apps)))
    page = browser.post_saml(browser.click_pix(browser.open_mediacentre(PUPIL)))
    assert page.url.endswith("/profil"), page.text[:300]
    return stack


def values(client: redis.Redis) -> dict[str, bytes]:
    found = {}
    for key in client.scan_iter():
        name = key.decode()
        if client.type(key) == b"string":
            found[name] = client.get(key)
    return found


def test_no_name_or_identifier_of_the_pupil_sits_in_clear_in_redis(tmp_path, throwaway_redis):
    user = get_user(PUPIL)
    logged_in_stack(tmp_path, throwaway_redis.url)
    client = redis.Redis.from_url(throwaway_redis.url)

    stored = values(client)

    assert any(key.startswith("pixgar:oidc:userinfo:") for key in stored)  # claims are kept
    everything = b"\n".join([*(k.encode() for k in stored), *stored.values()])
    for secret in (user.ido, user.nom, user.pre, "Lefèvre", "Léa", "Lefevre"):
        assert secret.encode("utf-8") not in everything, secret


def test_every_key_of_a_login_has_a_hash_tag_and_an_expiry(tmp_path, throwaway_redis):
    logged_in_stack(tmp_path, throwaway_redis.url)
    client = redis.Redis.from_url(throwaway_redis.url)

    keys = [key.decode() for key in client.scan_iter() if key.decode() not in UNTAGGED
            and not key.decode().startswith("pixgar:gar-metadata")]

    assert len(keys) >= 8
    for key in keys:
        assert "{" in key, key
        assert key.endswith("}"), key
        assert client.ttl(key) > 0, key
