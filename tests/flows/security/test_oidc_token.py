"""Basic OP plan, token endpoint modules: code reuse, PKCE, client authentication, races."""

from __future__ import annotations

import base64
import hashlib
import threading

import pytest
import requests
from werkzeug.serving import make_server

from tests.support.oidc_client import OidcClient


@pytest.fixture
def client(stack, browser) -> OidcClient:
    return OidcClient(browser.session, stack.env)


def test_a_reused_code_is_refused_and_revokes_the_first_access_token(client):
    authz = client.authorize()
    first = client.token(authz.code, authz.verifier)
    assert first.status_code == 200
    access_token = first.json()["access_token"]
    assert client.userinfo(access_token).status_code == 200

    second = client.token(authz.code, authz.verifier)

    assert second.status_code == 400
    assert second.json()["error"] == "invalid_grant"
    assert "access_token" not in second.json()
    revoked = client.userinfo(access_token)
    assert revoked.status_code == 401
    assert revoked.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_refused_replay_from_an_unauthenticated_party_burns_nothing(client):
    """A stolen code sent without the client's secret must not revoke the real login."""
    authz = client.authorize()
    stolen = client.token(authz.code, authz.verifier, secret="not-the-secret")
    assert stolen.status_code == 401
    legit = client.token(authz.code, authz.verifier)
    assert legit.status_code == 200
    assert client.userinfo(legit.json()["access_token"]).status_code == 200


@pytest.mark.parametrize(
    ("name", "verifier_of", "extra"),
    [
        pytest.param("missing-verifier", lambda a: None, {}, id="missing-verifier"),
        pytest.param("wrong-verifier", lambda a: a.verifier[::-1], {}, id="wrong-verifier"),
        pytest.param("plain-challenge-as-verifier", lambda a: "CHALLENGE", {},
                     id="plain-downgrade"),
        pytest.param("method-in-token-request", lambda a: "CHALLENGE",
                     {"code_challenge_method": "plain"}, id="plain-method-at-token"),
    ],
)
def test_pkce_downgrades_are_refused_at_the_token_endpoint(client, name, verifier_of, extra):
    authz = client.authorize()
    verifier = verifier_of(authz)
    if verifier == "CHALLENGE":  # what a `plain` downgrade sends: the challenge itself
        verifier = _challenge_of(authz.verifier)
    answer = client.token(authz.code, verifier, **extra)
    assert answer.status_code == 400, name
    assert answer.json()["error"] in ("invalid_grant", "invalid_request")
    assert "access_token" not in answer.json()


def _challenge_of(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@pytest.mark.parametrize("method", ["plain", None, "S512"])
def test_authorization_without_s256_gets_an_error_redirect(client, method):
    query, _ = client.authorization_query(code_challenge_method=method)
    answer = client.authorize_raw(query)
    assert answer.status_code in (302, 303)
    assert answer.headers["Location"].startswith(client.redirect_uri + "?")
    assert "error=invalid_request" in answer.headers["Location"]
    assert f"state={query['state']}" in answer.headers["Location"]


def test_authorization_without_challenge_gets_an_error_redirect(client):
    query, _ = client.authorization_query(code_challenge=None)
    answer = client.authorize_raw(query)
    assert answer.status_code in (302, 303)
    assert "error=invalid_request" in answer.headers["Location"]


@pytest.mark.parametrize(
    ("auth", "secret", "status"),
    [
        pytest.param("basic", "wrong-secret", 401, id="basic-wrong-secret"),
        pytest.param("post", "wrong-secret", 401, id="post-wrong-secret"),
        pytest.param("none", None, 401, id="no-client-auth"),
        pytest.param("basic", "", 401, id="basic-empty-secret"),
    ],
)
def test_client_authentication_failures_get_no_token(client, auth, secret, status):
    authz = client.authorize()
    answer = client.token(authz.code, authz.verifier, auth=auth, secret=secret)
    assert answer.status_code == status
    assert answer.json()["error"] == "invalid_client"
    assert "access_token" not in answer.json()


def test_client_secret_post_is_accepted(client):
    authz = client.authorize()
    answer = client.token(authz.code, authz.verifier, auth="post")
    assert answer.status_code == 200
    assert client.userinfo(answer.json()["access_token"]).status_code == 200


def test_a_code_is_bound_to_the_redirect_uri_it_was_issued_for(client):
    authz = client.authorize()
    answer = client.token(authz.code, authz.verifier,
                          redirect_uri=client.redirect_uri + "/other")
    assert answer.status_code == 400
    assert "access_token" not in answer.json()


def test_an_unknown_code_is_invalid_grant(client):
    answer = client.token("not-a-code", "v" * 43)
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"


def test_fifty_parallel_redemptions_give_exactly_one_token(stack, client):
    """Real sockets, real threads, one code: only one request may win."""
    authz = client.authorize()
    proxy = stack.apps[stack.env["PROXY_BASE_URL"]]
    server = make_server("127.0.0.1", 0, proxy, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    barrier = threading.Barrier(50)
    results: list[int] = []
    tokens: list[str] = []
    lock = threading.Lock()

    def redeem() -> None:
        with requests.Session() as http:
            barrier.wait()
            answer = client.token(authz.code, authz.verifier, http=http, base=base)
            with lock:
                results.append(answer.status_code)
                if answer.status_code == 200:
                    tokens.append(answer.json()["access_token"])

    try:
        workers = [threading.Thread(target=redeem) for _ in range(50)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=30)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    assert len(results) == 50
    assert results.count(200) == 1, results
    assert set(results) <= {200, 400}
    # the losers were replays: the winner's token is revoked, as for any reuse
    assert client.userinfo(tokens[0]).status_code == 401
