"""create_app wiring: real adapters (SQLite, OIDC RP) with the proxy faked behind the session."""

import ast
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from werkzeug.test import Client

import pix_core
from pix_core.app import create_app
from pix_core.database.migrate import upgrade
from pix_core.settings import PixSettings
from tests.unit.pix_core.accounts.test_relying_party import FakeOP

BASE = "https://localhost:8444"
FORBIDDEN_IN_CORE = {"werkzeug", "sqlalchemy", "redis", "requests", "oic", "jwkest", "alembic"}


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
    assert done.status_code == 303 and done.location == "/profil"
    profile = client.get("/profil", base_url=BASE).get_data(as_text=True)
    assert "Flora Dupont" in profile and profile.count("Niveau 0") == 16


def test_static_css_is_served(settings):
    upgrade(settings.database_url)
    client = Client(create_app(settings, http_session=requests.Session()))
    response = client.get("/static/pix.css", base_url=BASE)
    assert response.status_code == 200 and response.mimetype == "text/css"
    assert ".card" in response.get_data(as_text=True)
    response.close()
    missing = client.get("/static/absent.css", base_url=BASE)
    assert missing.status_code == 404 and "Page introuvable" in missing.get_data(as_text=True)


def test_domain_and_usecases_do_no_io():
    root = Path(pix_core.__file__).parent
    modules = [*root.glob("**/domain/*.py"), *root.glob("**/usecases/*.py")]
    assert len(modules) > 40  # every context's
    for module in modules:
        for node in ast.walk(ast.parse(module.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN_IN_CORE, f"{module.name}: {name}"
                assert not name.startswith("pix_core.adapters"), f"{module.name}: {name}"
