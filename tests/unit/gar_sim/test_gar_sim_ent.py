"""The simulated ENT médiacentre, the test users and the settings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from gar_sim_helpers import ENT, GAR, PIX, PROXY
from werkzeug.test import Client

from gar_sim.ent import ENT_COOKIE, create_ent_app
from gar_sim.settings import SimSettings, default_resources, settings_from_env
from gar_sim.users import USERS, get_user


@pytest.fixture
def ent(tmp_path: Path) -> Client:
    settings = SimSettings(
        base_url=GAR,
        data_dir=tmp_path,
        sp_metadata_path=tmp_path / "sp.xml",
        resources=default_resources(GAR, PROXY, PIX),
        ent_base_url=ENT,
    )
    return Client(create_ent_app(settings))


def test_mediacentre_lists_pix_and_decorative_resources(ent: Client) -> None:
    page = ent.get("/mediacentre", base_url=ENT)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert 'id="resource-pix"' in html
    assert re.search(r'<a href="[^"]+" id="resource-link-pix">Pix</a>', html)
    assert "Édité par GIP PIX" in html
    for name in ("RetroNews", "Offre Éduthèque d&#39;ARTE", "Educ&#39;ARTE"):
        assert name in html
    for item in ("Accueil", "Messagerie", "Cahier de textes", "Médiacentre", "RESSOURCES"):
        assert item in html
    assert f'href="{GAR}/gar/acces/pix"' in html  # no user chosen yet
    assert "ent.css" in html
    assert "<script" not in html


def test_user_picker_sets_ent_cookie_and_links_carry_user(ent: Client) -> None:
    response = ent.post(
        "/connexion", data={"user": "lea-lefevre", "next": "mediacentre"}, base_url=ENT
    )
    assert response.status_code == 303
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{ENT_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "Secure" in cookie
    html = ent.get("/mediacentre", base_url=ENT).get_data(as_text=True)
    assert f'href="{GAR}/gar/acces/pix?user=lea-lefevre"' in html
    assert f'href="{GAR}/gar/acces/pix?user=lea-lefevre&amp;mode=unsolicited"' in html
    assert "accès direct (réponse non sollicitée)" in html
    assert "Léa Lefèvre" in html
    home = ent.get("/", base_url=ENT).get_data(as_text=True)
    assert "Bonjour Léa" in home
    assert "Aucune séance." in home


def test_ent_refuses_unknown_user_and_serves_css(ent: Client) -> None:
    assert ent.post("/connexion", data={"user": "nobody"}, base_url=ENT).status_code == 400
    css = ent.get("/static/ent.css", base_url=ENT)
    assert css.status_code == 200
    assert css.headers["Content-Type"].startswith("text/css")
    assert ent.get("/static/..%2Fidp.py", base_url=ENT).status_code == 404


def test_users_data() -> None:
    ids = [u.user_id for u in USERS]
    assert len(ids) == len(set(ids))
    idos = {u.ido for u in USERS}
    assert len(idos) == len(USERS)
    assert all(re.fullmatch(r"[0-9a-f]{64}", ido) for ido in idos)
    a, b = get_user("theo-martin-3a"), get_user("theo-martin-3b")
    assert a
    assert b
    assert (a.nom, a.pre) == (b.nom, b.pre)
    assert a.div != b.div
    teacher, doc = get_user("prof-francois-lemaitre"), get_user("doc-helene-gueguen")
    assert teacher
    assert teacher.pro == ("National_ens",)
    assert teacher.p_mel
    assert doc
    assert doc.pro == ("National_doc",)
    assert all(u.uai == ("0561641E",) for u in USERS)
    assert get_user("lea-lefevre").attributes()["IDO"] == [get_user("lea-lefevre").ido]  # type: ignore[union-attr]


def test_settings_from_env(tmp_path: Path) -> None:
    settings = settings_from_env(
        {
            "PIXGAR_DATA_DIR": str(tmp_path),
            "GAR_SIM_BASE_URL": "https://gar.test:9443/",
            "PROXY_BASE_URL": "https://proxy.test",
            "PIX_BASE_URL": "https://pix.test",
            "GAR_SIM_ENCRYPT_ASSERTION": "true",
            "GAR_SIM_ATTRIBUTE_NAME_FORMAT": "basic",
        }
    )
    assert settings.idp_entity_id == "https://gar.test:9443/idp/metadata"
    pix = settings.resource("pix")
    assert pix is not None
    assert pix.sp_entity_id == "https://proxy.test/gar/metadata"
    assert pix.login_url == "https://pix.test/connexion/gar"
    assert pix.resource_url == "https://pix.test"
    assert settings.encrypt_assertion
    assert settings.sign_response
    assert settings.sp_metadata_paths == (tmp_path / "proxy-sp-metadata.xml",)
    with pytest.raises(ValueError, match="attribute_name_format must be 'uri' or 'basic'"):
        SimSettings(attribute_name_format="other")  # type: ignore[arg-type]
