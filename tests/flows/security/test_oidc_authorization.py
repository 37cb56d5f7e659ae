"""Basic OP plan, authorization and userinfo modules: redirect URIs, prompt, userinfo."""

from __future__ import annotations

import pytest

from tests.support.oidc_client import OidcClient, query_of, verify_id_token


@pytest.fixture
def client(stack, browser) -> OidcClient:
    return OidcClient(browser.session, stack.env)


def assert_error_page(answer) -> None:
    assert answer.status_code == 400
    assert "Location" not in answer.headers
    assert '<html lang="fr">' in answer.text
    assert "Référence de l'erreur" in answer.text


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda uri: uri + "/extra", id="extra-path"),
        pytest.param(lambda uri: uri + "?next=https://evil.example", id="extra-query"),
        pytest.param(lambda uri: uri + "/", id="trailing-slash"),
        pytest.param(lambda uri: uri.replace(":8444", ":8445"), id="other-port"),
        pytest.param(lambda uri: uri.replace("https://", "http://"), id="http-scheme"),
        pytest.param(lambda uri: uri.replace("localhost", "LOCALHOST"), id="host-case"),
        pytest.param(lambda uri: uri + "#frag", id="fragment"),
        pytest.param(lambda uri: "https://evil.example/connexion/oidc/callback", id="other-host"),
        pytest.param(lambda uri: uri.replace("https://", "https://user@"), id="userinfo"),
    ],
)
def test_redirect_uri_must_match_exactly(client, variant):
    query, _ = client.authorization_query(redirect_uri=variant(client.redirect_uri))
    assert_error_page(client.authorize_raw(query))


@pytest.mark.parametrize("client_id", ["unknown", "", None])
def test_unknown_or_missing_client_gets_an_error_page(client, client_id):
    query, _ = client.authorization_query(client_id=client_id)
    assert_error_page(client.authorize_raw(query))


@pytest.mark.parametrize("response_type", ["token", "id_token", "code id_token", "code token"])
def test_only_the_code_flow_is_served(client, response_type):
    query, _ = client.authorization_query(response_type=response_type)
    answer = client.authorize_raw(query)
    assert answer.status_code in (302, 303)
    location = answer.headers["Location"]
    # an error back to the registered URI (in the fragment, as these response types use)
    assert location.startswith(client.redirect_uri)
    assert "error=" in location
    for leaked in ("code=", "access_token=", "id_token="):
        assert leaked not in location


@pytest.mark.parametrize(("overrides", "error"), [
    pytest.param({"max_age": "soon"}, "invalid_request", id="max_age-not-a-number"),
    pytest.param({"claims": "{not json"}, "invalid_request", id="claims-not-json"),
    pytest.param({"id_token_hint": "a.b.c"}, "invalid_request", id="id_token_hint-not-a-jwt"),
    pytest.param({"response_type": None}, "invalid_request", id="response_type-missing"),
    pytest.param({"request": "a.b.c"}, "request_not_supported", id="request"),
    pytest.param({"request_uri": "https://localhost:8444/r"}, "request_uri_not_supported",
                 id="request_uri"),
    pytest.param({"registration": "{}"}, "registration_not_supported", id="registration"),
])
def test_malformed_or_unsupported_parameters_go_back_as_oauth_errors(client, overrides, error):
    """Once an HTTP 500 (oic's parsing errors) or SATOSA's plain-text 400 quoting pyop."""
    query, _ = client.authorization_query(**overrides)
    answer = client.authorize_raw(query)
    assert answer.status_code in (302, 303), answer.status_code
    location = answer.headers["Location"]
    assert location.startswith(client.redirect_uri + "?")
    params = query_of(location)
    assert (params["error"], params["state"]) == (error, query["state"])
    assert "code" not in params


def test_unknown_parameters_are_tolerated(client):
    authz, tokens = client.login(foo="bar", x_unknown_extension="1", ui_locales="fr")
    assert authz.params["state"] == authz.state
    verify_id_token(tokens["id_token"], client.jwks(), issuer=client.issuer,
                    client_id=client.client_id, nonce=authz.nonce)


def test_prompt_none_without_a_session_answers_login_required(client):
    """The proxy keeps no session of its own: it can never log in without interaction."""
    client.log_into_ent()
    query, _ = client.authorization_query(prompt="none")
    answer = client.authorize_raw(query)
    assert answer.status_code in (302, 303)
    location = answer.headers["Location"]
    assert location.startswith(client.redirect_uri + "?")
    params = query_of(location)
    assert params["error"] == "login_required"
    assert params["state"] == query["state"]
    assert "code" not in params


def test_max_age_zero_still_logs_in_through_the_gar(client):
    """Every proxy login is a fresh trip to the GAR; ``auth_time`` is given when asked."""
    authz, tokens = client.login(max_age="0")
    claims = verify_id_token(tokens["id_token"], client.jwks(), issuer=client.issuer,
                             client_id=client.client_id, nonce=authz.nonce)
    assert isinstance(claims.get("auth_time"), int)
    assert abs(claims["auth_time"] - claims["iat"]) < 300


def test_userinfo_by_bearer_header_and_by_form_body(client):
    """RFC 6750: the header on a GET or on a POST with no body at all (§2.1), or the form
    body (§2.2); the POST without Content-Type once answered HTTP 500."""
    _, tokens = client.login()
    answers = {how: client.userinfo(tokens["access_token"], how=how)
               for how in ("header", "header-post", "body")}
    assert {how: a.status_code for how, a in answers.items()} == dict.fromkeys(answers, 200)
    assert len({a.json()["sub"] for a in answers.values()}) == 1


@pytest.mark.parametrize("token", ["not-a-token", "", "Bearer"])
def test_userinfo_with_an_invalid_token_is_401_with_www_authenticate(client, token):
    answer = client.session.get(f"{client.issuer}/pix/userinfo",
                                headers={"Authorization": f"Bearer {token}".strip()})
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_userinfo_without_any_token_is_401(client):
    answer = client.session.get(f"{client.issuer}/pix/userinfo")
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_userinfo_with_an_expired_token_is_401(client, monkeypatch):
    _, tokens = client.login()
    import time as time_module

    real = time_module.time
    monkeypatch.setattr(time_module, "time", lambda: real() + 7200)
    answer = client.userinfo(tokens["access_token"])
    monkeypatch.undo()
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
