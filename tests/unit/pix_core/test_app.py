"""create_app wiring: real adapters (SQLite, OIDC RP) with the proxy faked behind the session."""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from werkzeug.test import Client

from kernel.secret import Secret
from pix_core.app import create_app, default_http_session
from pix_core.database.migrate import upgrade
from pix_core.settings import PixSettings
from tests.unit.pix_core.accounts.test_relying_party import FakeOP

BASE = "https://localhost:8444"


@pytest.fixture
def settings(tmp_path):
    return PixSettings.from_env({"PIX_CLIENT_SECRET": "s3cret", "PIXGAR_DATA_DIR": str(tmp_path)})


def test_a_full_login_through_create_app(settings, keys):
    op = FakeOP(keys)
    http = requests.Session()
    http.mount("https://localhost:8443/", op)
    upgrade(settings.database_url)
    client = Client(create_app(settings, http_session=http))

    start = client.get("/connexion/gar", base_url=BASE)
    query = parse_qs(urlsplit(start.location).query)
    op.nonce = query["nonce"][0]
    done = client.get(
        "/connexion/oidc/callback",
        query_string={"state": query["state"][0], "code": "c"},
        base_url=BASE,
    )
    assert done.status_code == 303
    assert done.location == "/profil"
    profile = client.get("/profil", base_url=BASE).get_data(as_text=True)
    assert "Flora Dupont" in profile
    assert profile.count("Niveau 0") == 16


def test_static_css_is_served(settings):
    upgrade(settings.database_url)
    client = Client(create_app(settings, http_session=requests.Session()))
    response = client.get("/static/pix.css", base_url=BASE)
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    assert ".card" in response.get_data(as_text=True)
    response.close()
    missing = client.get("/static/absent.css", base_url=BASE)
    assert missing.status_code == 404
    assert "Page introuvable" in missing.get_data(as_text=True)


def _back_channel_settings(ca_file: Path | None = None) -> PixSettings:
    return PixSettings(base_url="https://pix.example", proxy_base_url="https://proxy.example",
                       client_id="pix", client_secret=Secret("s"), database_url="sqlite://",
                       proxy_ca_file=ca_file)


def test_the_back_channel_reads_the_environment_once_not_at_every_call(monkeypatch, tmp_path):
    monkeypatch.setenv("HTTPS_PROXY", "http://egress.example:3128")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "bundle.pem"))

    session = default_http_session(_back_channel_settings())

    assert session.trust_env is False  # requests scans os.environ per call otherwise (~1 ms)
    assert session.proxies == {"https": "http://egress.example:3128"}
    assert session.verify == str(tmp_path / "bundle.pem")


def test_the_back_channel_keeps_no_proxy_and_prefers_the_proxy_ca_file(monkeypatch, tmp_path):
    monkeypatch.setenv("HTTPS_PROXY", "http://egress.example:3128")
    monkeypatch.setenv("NO_PROXY", "proxy.example")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "bundle.pem"))

    session = default_http_session(_back_channel_settings(tmp_path / "proxy-ca.pem"))

    assert session.proxies == {}
    assert session.verify == str(tmp_path / "proxy-ca.pem")
