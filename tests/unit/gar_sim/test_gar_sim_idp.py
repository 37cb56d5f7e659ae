"""The GAR simulator against a throwaway pysaml2 SP that requires signatures."""

from __future__ import annotations

import base64
import logging
import re
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from gar_sim_helpers import ACS_URL, GAR, PIX, SP_ENTITY_ID, Setup, make_setup
from saml2 import BINDING_HTTP_POST
from werkzeug.test import Client

from gar_sim.idp import SESSION_COOKIE, SimulatedGar, SsoRefused, create_idp_app
from gar_sim.users import USERS, get_user


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Setup:
    return make_setup(tmp_path_factory.mktemp("garsim"))


@pytest.fixture(scope="module")
def gar(setup: Setup) -> SimulatedGar:
    return SimulatedGar(setup.settings)


def signature_values(xml: str) -> int:
    """How many signatures the document carries, whatever prefix the serialiser chose."""
    return len(re.findall(r"<(?:\w+:)?SignatureValue[ >]", xml))


def sp_parse(setup: Setup, saml_response: str, outstanding: dict[str, str], **kw: Any) -> Any:
    client = setup.client(**kw)
    return client.parse_authn_request_response(saml_response, BINDING_HTTP_POST, outstanding)


def sp_rejects(setup: Setup, saml_response: str, outstanding: dict[str, str], **kw: Any) -> bool:
    try:
        result = sp_parse(setup, saml_response, outstanding, **kw)
    except Exception:  # pysaml2 signals refusals with many exception types
        return True
    return result is None


def form_fields(html: str) -> dict[str, str]:
    return {
        name: unescape(value) for name, value in re.findall(r'name="([^"]+)" value="([^"]*)"', html)
    }


def test_sso_response_verified_with_signatures_required(setup: Setup, gar: SimulatedGar) -> None:
    req_id, query = setup.signed_request_query()
    acs, saml_response, relay_state = gar.sso_response("lea-lefevre", query)
    assert acs == ACS_URL
    assert relay_state == PIX
    response = sp_parse(setup, saml_response, {req_id: "/"})
    assert response.in_response_to == req_id
    ava = response.ava
    lea = get_user("lea-lefevre")
    assert lea is not None
    assert ava["NOM"] == ["Lefèvre"]
    assert ava["PRE"] == ["Léa"]
    assert ava["IDO"] == [lea.ido]
    assert ava["UAI"] == ["0561641E"]
    assert ava["PRO"] == ["National_elv"]
    assert ava["DIV"] == ["3A##3EME A"]
    assert ava["GRO"] == ["3A-MATHS##Groupe Maths##3A", "3-LATIN##Latin##3A"]
    assert all(isinstance(v, list) for v in ava.values())
    assertion = response.assertion
    assert assertion.conditions.audience_restriction[0].audience[0].text == SP_ENTITY_ID
    data = assertion.subject.subject_confirmation[0].subject_confirmation_data
    assert data.recipient == ACS_URL
    assert data.in_response_to == req_id
    assert assertion.subject.name_id.format.endswith(":transient")
    xml = base64.b64decode(saml_response).decode()
    assert "rsa-sha256" in xml
    assert "xmlenc#sha256" in xml
    assert signature_values(xml) == 2  # response and assertion


@pytest.mark.parametrize("name_format", ["uri", "basic"])
def test_name_formats_and_teacher_mail(tmp_path: Path, name_format: str) -> None:
    setup = make_setup(tmp_path, name_format=name_format)
    req_id, query = setup.signed_request_query()
    _, saml_response, _ = SimulatedGar(setup.settings).sso_response("prof-francois-lemaitre", query)
    xml = base64.b64decode(saml_response).decode()
    assert f"attrname-format:{name_format}" in xml
    ava = sp_parse(setup, saml_response, {req_id: "/"}).ava
    assert ava["PRE"] == ["François"]
    assert ava["NOM"] == ["Lemaître"]
    assert ava["PRO"] == ["National_ens"]
    assert ava["P_MEL"] == ["francois.lemaitre@ac-rennes.example"]
    assert ava["DIV"] == ["3A##3EME A", "3B##3EME B"]


def test_unsigned_response_with_signed_assertion(tmp_path: Path) -> None:
    setup = make_setup(tmp_path, sign_response=False)
    req_id, query = setup.signed_request_query()
    _, saml_response, _ = SimulatedGar(setup.settings).sso_response("chloe-benoit", query)
    xml = base64.b64decode(saml_response).decode()
    assert signature_values(xml) == 1
    ava = sp_parse(setup, saml_response, {req_id: "/"}, want_response_signed=False).ava
    assert ava["PRE"] == ["Chloé"]


def test_encrypted_assertion_round_trip(tmp_path: Path) -> None:
    setup = make_setup(tmp_path, encrypt_assertion=True)
    req_id, query = setup.signed_request_query()
    _, saml_response, _ = SimulatedGar(setup.settings).sso_response("noe-garcon", query)
    xml = base64.b64decode(saml_response).decode()
    assert "EncryptedAssertion" in xml
    assert "Garçon" not in xml
    assert "Gar&#xE7;on" not in xml
    ava = sp_parse(setup, saml_response, {req_id: "/"}).ava
    assert ava["NOM"] == ["Garçon"]
    assert ava["PRE"] == ["Noé"]


def test_encryption_skipped_without_sp_key(tmp_path: Path) -> None:
    setup = make_setup(tmp_path, encrypt_assertion=True, with_encryption_key=False)
    req_id, query = setup.signed_request_query(with_encryption_key=False)
    _, saml_response, _ = SimulatedGar(setup.settings).sso_response("noe-garcon", query)
    assert "EncryptedAssertion" not in base64.b64decode(saml_response).decode()


def test_unsolicited_response_verifies(setup: Setup, gar: SimulatedGar) -> None:
    acs, saml_response, relay_state = gar.unsolicited_response(
        "doc-helene-gueguen", SP_ENTITY_ID, PIX
    )
    assert (acs, relay_state) == (ACS_URL, PIX)
    xml = base64.b64decode(saml_response).decode()
    assert "InResponseTo" not in xml
    response = sp_parse(setup, saml_response, {}, allow_unsolicited=True)
    assert response.ava["PRO"] == ["National_doc"]
    assert response.ava["NOM"] == ["Guéguen"]
    # An SP that does not accept unsolicited responses refuses it.
    assert sp_rejects(setup, saml_response, {})


@pytest.mark.parametrize(
    "overrides",
    [
        {"audience": "https://evil.example/sp"},
        {"time_shift": -3600},
        {"lifetime": -10},
        {"untrusted_signer": True},
        {"sign_assertion": False, "sign_response": False},
        {"issuer": "https://evil.example/idp"},
    ],
    ids=["audience", "expired", "lifetime", "untrusted-key", "unsigned", "issuer"],
)
def test_negative_overrides_are_refused_by_a_strict_sp(
    setup: Setup, gar: SimulatedGar, overrides: dict[str, Any]
) -> None:
    _, saml_response, _ = gar.unsolicited_response("lea-lefevre", SP_ENTITY_ID, PIX, **overrides)
    assert sp_rejects(setup, saml_response, {}, allow_unsolicited=True)


def test_overrides_still_sign(gar: SimulatedGar) -> None:
    _, saml_response, _ = gar.unsolicited_response(
        "lea-lefevre", SP_ENTITY_ID, PIX, audience="https://evil.example/sp", time_shift=-3600
    )
    xml = base64.b64decode(saml_response).decode()
    assert "https://evil.example/sp" in xml
    assert signature_values(xml) == 2


def test_api_refuses_bad_requests(setup: Setup, gar: SimulatedGar) -> None:
    _, query = setup.signed_request_query()
    unsigned = "&".join(p for p in query.split("&") if not p.startswith(("SigAlg=", "Signature=")))
    with pytest.raises(SsoRefused, match="pas signée"):
        gar.sso_response("lea-lefevre", unsigned)
    _, evil = setup.signed_request_query(relay_state="https://evil.example/")
    with pytest.raises(SsoRefused, match="RelayState"):
        gar.sso_response("lea-lefevre", evil)


# ------------------------------------------------------------------ over HTTP


@pytest.fixture
def http(setup: Setup) -> Client:
    return Client(create_idp_app(setup.settings))


def test_idp_metadata_endpoint(http: Client, setup: Setup) -> None:
    response = http.get("/idp/metadata", base_url=GAR)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'entityID="https://localhost:9443/idp/metadata"' in body
    assert "X509Certificate" in body
    assert 'WantAuthnRequestsSigned="true"' in body
    assert f"{GAR}/idp/sso" in body
    assert setup.idp_metadata.read_text(encoding="utf-8") == body


def test_gar_entry_sets_session_and_redirects_to_login_url(http: Client) -> None:
    response = http.get("/gar/acces/pix?user=lea-lefevre", base_url=GAR)
    assert response.status_code == 302
    assert response.headers["Location"] == f"{PIX}/connexion/gar"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax"):
        assert flag in cookie
    assert "lea" not in cookie.split(";")[0].lower()


def test_gar_entry_unsolicited_mode(http: Client) -> None:
    response = http.get("/gar/acces/pix?user=lea-lefevre&mode=unsolicited", base_url=GAR)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/idp/unsolicited"
    assert parse_qs(location.query) == {"sp": [SP_ENTITY_ID], "target": [PIX]}


def test_decorative_resource(http: Client) -> None:
    response = http.get("/gar/acces/educarte?user=lea-lefevre", base_url=GAR)
    assert response.status_code == 302
    page = http.get(urlsplit(response.headers["Location"]).path, base_url=GAR)
    assert page.status_code == 200
    assert "ne fait pas partie de la" in page.get_data(as_text=True)


def test_full_http_sso_with_autopost(http: Client, setup: Setup) -> None:
    http.get("/gar/acces/pix?user=theo-martin-3b", base_url=GAR)
    req_id, query = setup.signed_request_query()
    page = http.get(f"/idp/sso?{query}", base_url=GAR)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'action="{ACS_URL}"' in html
    assert f'<script src="{GAR}/static/autopost.js"' in html
    assert 'type="submit"' in html
    assert "<script>" not in html
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    fields = form_fields(html)
    assert fields["RelayState"] == PIX
    ava = sp_parse(setup, fields["SAMLResponse"], {req_id: "/"}).ava
    assert ava["DIV"] == ["3B##3EME B"]
    assert ava["PRE"] == ["Théo"]
    js = http.get("/static/autopost.js", base_url=GAR)
    assert js.status_code == 200
    assert "form.submit()" in js.get_data(as_text=True)
    assert js.headers["Content-Type"].startswith("text/javascript")


def test_sso_without_session_offers_user_picker(http: Client, setup: Setup) -> None:
    req_id, query = setup.signed_request_query()
    page = http.get(f"/idp/sso?{query}", base_url=GAR)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'lang="fr"' in html
    assert "Choisissez un utilisateur" in html
    chosen = http.post(
        "/gar/session",
        data={"user": "chloe-benoit", "next": f"/idp/sso?{query}"},
        base_url=GAR,
    )
    assert chosen.status_code == 303
    page = http.get(chosen.headers["Location"], base_url=GAR)
    fields = form_fields(page.get_data(as_text=True))
    assert sp_parse(setup, fields["SAMLResponse"], {req_id: "/"}).ava["PRE"] == ["Chloé"]


def test_session_picker_refuses_open_redirect(http: Client) -> None:
    chosen = http.post(
        "/gar/session",
        data={"user": "chloe-benoit", "next": "https://evil.example/"},
        base_url=GAR,
    )
    assert chosen.status_code == 400


def test_http_refuses_unsigned_request(http: Client, setup: Setup) -> None:
    http.get("/gar/acces/pix?user=lea-lefevre", base_url=GAR)
    _, query = setup.signed_request_query()
    unsigned = "&".join(p for p in query.split("&") if not p.startswith(("SigAlg=", "Signature=")))
    response = http.get(f"/idp/sso?{unsigned}", base_url=GAR)
    assert response.status_code == 400
    assert "pas signée" in response.get_data(as_text=True)


def test_http_refuses_bad_signature(http: Client, setup: Setup) -> None:
    http.get("/gar/acces/pix?user=lea-lefevre", base_url=GAR)
    _, query = setup.signed_request_query(relay_state=f"{PIX}/a")
    tampered = query.replace(
        urlencode({"RelayState": f"{PIX}/a"}), urlencode({"RelayState": f"{PIX}/b"})
    )
    assert tampered != query
    response = http.get(f"/idp/sso?{tampered}", base_url=GAR)
    assert response.status_code == 400
    assert "signature invalide" in response.get_data(as_text=True)


@pytest.mark.parametrize("relay_state", ["https://evil.example/", "", f"{PIX}.evil.example"])
def test_http_refuses_wrong_relay_state(http: Client, setup: Setup, relay_state: str) -> None:
    http.get("/gar/acces/pix?user=lea-lefevre", base_url=GAR)
    _, query = setup.signed_request_query(relay_state=relay_state)
    response = http.get(f"/idp/sso?{query}", base_url=GAR)
    assert response.status_code == 400
    assert "RelayState" in response.get_data(as_text=True)


def test_http_unsolicited(http: Client, setup: Setup) -> None:
    http.get("/gar/acces/pix?user=theo-martin-3a", base_url=GAR)
    page = http.get(
        "/idp/unsolicited?" + urlencode({"sp": SP_ENTITY_ID, "target": PIX}), base_url=GAR
    )
    assert page.status_code == 200
    fields = form_fields(page.get_data(as_text=True))
    assert fields["RelayState"] == PIX
    ava = sp_parse(setup, fields["SAMLResponse"], {}, allow_unsolicited=True).ava
    assert ava["DIV"] == ["3A##3EME A"]
    bad = http.get(
        "/idp/unsolicited?" + urlencode({"sp": SP_ENTITY_ID, "target": "https://x.example"}),
        base_url=GAR,
    )
    assert bad.status_code == 400


def test_logs_hold_no_personal_data(
    http: Client, setup: Setup, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="gar_sim")
    http.get("/gar/acces/pix?user=lea-lefevre", base_url=GAR)
    _, query = setup.signed_request_query()
    http.get(f"/idp/sso?{query}", base_url=GAR)
    text = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("gar_sim"))
    assert text  # something is logged
    for user in USERS:
        assert user.ido not in text
        assert user.nom not in text
        assert user.pre not in text
    assert "SAMLResponse" not in text
    assert "<" not in text
