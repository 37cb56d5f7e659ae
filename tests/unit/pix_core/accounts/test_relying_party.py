"""The real OIDC adapter against a small fake OP reached through the injected requests.Session."""

import base64
import hashlib
import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from jwkest.jwk import RSAKey
from jwkest.jws import JWS

from kernel.secret import Secret
from pix_core.accounts.adapters.oidc import relying_party
from pix_core.accounts.adapters.oidc.relying_party import (
    OidcRelyingParty,
    RelyingPartyConfig,
    pkce_challenge,
)
from pix_core.accounts.domain.errors import AuthenticationFailed, IdentityProviderUnavailable

ISSUER = "https://localhost:8443"
REDIRECT = "https://localhost:8444/connexion/oidc/callback"


class FakeOP(requests.adapters.BaseAdapter):
    """Answers discovery, JWKS, token and userinfo like the proxy would."""

    def __init__(self, keys):
        super().__init__()
        self.signing_key, self.other_key = keys
        self.published = [self.signing_key]
        self.issuer_in_discovery = ISSUER
        self.calls: list[str] = []
        self.last_token_request = None
        self.id_token_claims: dict = {}
        self.id_token_alg = "RS256"
        self.userinfo = {}
        self.token_status = 200

    def send(self, request, **kwargs):
        path = urlsplit(request.url).path
        self.calls.append(path)
        handler = {
            "/.well-known/openid-configuration": self.discovery,
            "/pix/jwks": self.jwks,
            "/pix/token": self.token,
            "/pix/userinfo": self.userinfo_endpoint,
        }[path]
        status, body = handler(request)
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = request.url
        response.request = request
        return response

    def close(self):
        pass

    def discovery(self, request):
        return 200, {
            "issuer": self.issuer_in_discovery,
            "authorization_endpoint": f"{ISSUER}/gar/pix/authorization",
            "token_endpoint": f"{ISSUER}/pix/token",
            "userinfo_endpoint": f"{ISSUER}/pix/userinfo",
            "jwks_uri": f"{ISSUER}/pix/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    def jwks(self, request):
        return 200, {"keys": [k.serialize(private=False) for k in self.published]}

    def token(self, request):
        self.last_token_request = request
        if self.token_status != 200:
            return self.token_status, {"error": "invalid_grant"}
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "sub": "pseudo-1",
            "aud": ["pix"],
            "iat": now,
            "exp": now + 300,
            "nonce": self.nonce,
        }
        claims.update(self.id_token_claims)
        if self.id_token_alg == "none":
            id_token = JWS(json.dumps(claims), alg="none").sign_compact([])
        else:
            id_token = JWS(json.dumps(claims), alg="RS256").sign_compact([self.signing_key])
        return 200, {"access_token": "at-1", "token_type": "Bearer", "id_token": id_token}

    def userinfo_endpoint(self, request):
        assert request.headers["Authorization"] == "Bearer at-1"
        return 200, {
            "sub": "pseudo-1",
            "given_name": "Flora",
            "family_name": "Dupont",
            "gar_uai": ["0561641E"],
            "gar_profiles": ["National_elv"],
            "gar_classes": [{"code": "3A", "label": "3EME A"}],
            "gar_groups": [{"code": "G1", "label": "Maths", "division": "3A"}],
            **self.userinfo,
        }


@pytest.fixture
def op(keys):
    return FakeOP(keys)


@pytest.fixture
def rp(op):
    http = requests.Session()
    http.mount("https://localhost:8443/", op)
    config = RelyingPartyConfig(ISSUER, "pix", Secret("s3cret/+"), REDIRECT)
    return OidcRelyingParty(config, http)


def begin(rp, op, login_hint=None):
    login = rp.begin(login_hint)
    op.nonce = login.pending.nonce
    return login


def callback(login, **extra):
    return {"state": login.pending.state, "code": "code-1", **extra}


def test_begin_names_the_login_for_the_logs_of_both_apps(rp):
    login = rp.begin(None, "login-0123456789")
    assert parse_qs(urlsplit(login.url).query)["pixgar_request_id"] == ["login-0123456789"]
    assert "pixgar_request_id" not in urlsplit(rp.begin().url).query


def test_begin_builds_a_code_flow_request_with_pkce_state_and_nonce(rp, op):
    login = begin(rp, op, login_hint="hint")
    url = urlsplit(login.url)
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{ISSUER}/gar/pix/authorization"
    assert query["response_type"] == "code"
    assert query["client_id"] == "pix"
    assert query["redirect_uri"] == REDIRECT
    assert query["scope"] == "openid profile gar"
    assert query["state"] == login.pending.state
    assert query["nonce"] == login.pending.nonce
    assert query["code_challenge_method"] == "S256"
    assert query["code_challenge"] == pkce_challenge(login.pending.code_verifier)
    assert query["login_hint"] == "hint"
    assert "code_verifier" not in query
    assert rp.begin().pending.state != login.pending.state


def test_pkce_challenge_is_unpadded_base64url_of_sha256():
    verifier = "dBjftJeZ4CVP-mJ92K9HGZ7Nk9xGy7eSmPpnB1Bz5E0"
    digest = hashlib.sha256(verifier.encode()).digest()
    expected = base64.b64encode(digest).decode().translate(str.maketrans("+/", "-_")).rstrip("=")
    assert pkce_challenge(verifier) == expected
    assert len(expected) == 43


def test_complete_returns_the_identity_from_userinfo(rp, op):
    login = begin(rp, op)
    identity = rp.complete(callback(login), login.pending)
    assert identity.sub == "pseudo-1"
    assert (identity.first_name, identity.last_name) == ("Flora", "Dupont")
    assert identity.school.uai == ("0561641E",)
    assert identity.school.classes[0].label == "3EME A"
    assert identity.school.groups[0].division == "3A"
    body = parse_qs(op.last_token_request.body)
    assert body["code_verifier"] == [login.pending.code_verifier]
    assert body["grant_type"] == ["authorization_code"]
    assert body["redirect_uri"] == [REDIRECT]
    assert op.last_token_request.headers["Authorization"].startswith("Basic ")


def test_discovery_and_jwks_are_cached(rp, op):
    for _ in range(2):
        login = begin(rp, op)
        rp.complete(callback(login), login.pending)
    assert op.calls.count("/.well-known/openid-configuration") == 1
    assert op.calls.count("/pix/jwks") == 1


def test_unknown_kid_triggers_a_jwks_refetch(rp, op, monkeypatch):
    login = begin(rp, op)
    rp.complete(callback(login), login.pending)
    monkeypatch.setattr(relying_party, "JWKS_MIN_REFRESH_INTERVAL", 0)
    op.signing_key, op.other_key = op.other_key, op.signing_key  # key rotation
    op.published = [op.signing_key, op.other_key]
    login = begin(rp, op)
    assert rp.complete(callback(login), login.pending).sub == "pseudo-1"
    assert op.calls.count("/pix/jwks") == 2


@pytest.mark.parametrize(
    ("mutate", "kind"),
    [
        (lambda op: op.id_token_claims.update(nonce="other"), "nonce_mismatch"),
        (lambda op: op.id_token_claims.update(aud=["someone-else"]), "id_token_claims"),
        (lambda op: op.id_token_claims.update(iss="https://evil.example"), "id_token_claims"),
        (lambda op: op.id_token_claims.update(exp=int(time.time()) - 3600), "id_token_claims"),
        (lambda op: op.id_token_claims.update(aud=["pix", "other"]), "id_token_claims"),
        (lambda op: op.id_token_claims.update(azp="other"), "id_token_claims"),
        (lambda op: op.id_token_claims.update(iat=int(time.time()) + 3600), "id_token_claims"),
        (lambda op: op.id_token_claims.update(exp=True), "id_token_claims"),
        (lambda op: op.id_token_claims.update(iat=None), "id_token_claims"),
        (lambda op: op.id_token_claims.update(sub=""), "id_token_sub_missing"),
        (lambda op: setattr(op, "id_token_alg", "none"), "id_token_alg"),
        (lambda op: setattr(op, "published", [op.other_key]), "id_token_unknown_key"),
        (lambda op: op.userinfo.update(sub="someone-else"), "userinfo_sub_mismatch"),
        (lambda op: setattr(op, "token_status", 400), "token_rejected"),
    ],
)
def test_untrustworthy_answers_are_refused(rp, op, mutate, kind):
    mutate(op)
    login = begin(rp, op)
    with pytest.raises(AuthenticationFailed) as raised:
        rp.complete(callback(login), login.pending)
    assert raised.value.kind == kind


def test_a_forged_signature_is_refused(rp, op, keys):
    op.published = [op.signing_key]
    forged = RSAKey(key=op.other_key.key, kid=op.signing_key.kid, use="sig")
    op.signing_key = forged
    login = begin(rp, op)
    op.published = [keys[0]]
    with pytest.raises(AuthenticationFailed) as raised:
        rp.complete(callback(login), login.pending)
    assert raised.value.kind == "id_token_signature"


def test_callback_checks_happen_before_any_token_request(rp, op):
    login = begin(rp, op)
    for params, kind in [
        (callback(login, error="access_denied"), "op_error:access_denied"),
        ({**callback(login), "state": "forged"}, "state_mismatch"),
        (callback(login, iss="https://evil.example"), "issuer_mismatch"),
        ({"state": login.pending.state}, "code_missing"),
    ]:
        with pytest.raises(AuthenticationFailed) as raised:
            rp.complete(params, login.pending)
        assert raised.value.kind == kind
    assert "/pix/token" not in op.calls


def test_discovery_must_name_the_configured_issuer_exactly(rp, op):
    op.issuer_in_discovery = ISSUER + "/"
    with pytest.raises(IdentityProviderUnavailable) as raised:
        rp.begin()
    assert raised.value.kind == "issuer_mismatch"


def test_an_unreachable_proxy_is_unavailable_not_a_crash(op):
    http = requests.Session()  # nothing mounted: the connection is refused
    config = RelyingPartyConfig("https://127.0.0.1:9", "pix", Secret("x"), REDIRECT)
    with pytest.raises(IdentityProviderUnavailable):
        OidcRelyingParty(config, http).begin()


@pytest.mark.parametrize("token", ["", "a.b", "a.b.c.d", "e30.e30.*", "bm90IGpzb24.e30.",
                                   "W10.e30."])
def test_a_token_that_is_no_compact_jws_is_refused(rp, op, token):
    begin(rp, op)  # discovery done
    with pytest.raises(AuthenticationFailed) as raised:
        rp.verify_id_token(token, "nonce")
    assert raised.value.kind == "id_token_not_jws"
