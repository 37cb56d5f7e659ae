"""End to end through create_app on SQLite: the CLI makes an admin, who logs in to Pix Orga,
uploads a small generated SIECLE export and sees the roster; a pupil then reconciles."""

import io
import re

import pytest
from werkzeug.test import Client

from pix_core.app import create_app
from pix_core.database.migrate import upgrade
from pix_core.settings import PixSettings
from pix_core.shared.adapters.http.sessions import COOKIE_NAME
from pixgar.cli import main
from tests.unit.pix_core.accounts.fakes import FakeRelyingParty, gar_identity

BASE = "https://localhost:8444"
UAI = "0561641E"


def siecle_xml(uai: str = UAI) -> bytes:
    """A tiny ElevesSansAdresses export with synthetic pupils."""
    pupils = [
        ("1", "123456789AB", "TESTELEVE", "Flora", "14/03/2010", "2", "3A"),
        ("2", "123456789AC", "EXEMPLE", "Léo", "02/11/2010", "1", "3B"),
    ]
    eleves = "".join(
        f'<ELEVE ELEVE_ID="{eid}"><ID_NATIONAL>{ine}</ID_NATIONAL>'
        f"<NOM_DE_FAMILLE>{last}</NOM_DE_FAMILLE><PRENOM>{first}</PRENOM>"
        f"<DATE_NAISS>{birth}</DATE_NAISS><CODE_SEXE>{sex}</CODE_SEXE>"
        "<CODE_PAYS>100</CODE_PAYS><CODE_DEPARTEMENT_NAISS>075</CODE_DEPARTEMENT_NAISS>"
        "<CODE_COMMUNE_INSEE_NAISS>75056</CODE_COMMUNE_INSEE_NAISS>"
        "<VILLE_NAISS>PARIS</VILLE_NAISS><CODE_MEF>10310019110</CODE_MEF>"
        "<CODE_STATUT>ST</CODE_STATUT></ELEVE>"
        for eid, ine, last, first, birth, sex, _ in pupils
    )
    structures = "".join(
        f'<STRUCTURES_ELEVE ELEVE_ID="{eid}"><STRUCTURE><CODE_STRUCTURE>{division}'
        "</CODE_STRUCTURE><TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE></STRUCTURES_ELEVE>"
        for eid, *_, division in pupils
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><BEE_ELEVES VERSION="3.1">'
        f"<PARAMETRES><UAJ>{uai}</UAJ></PARAMETRES><DONNEES><ELEVES>{eleves}</ELEVES>"
        f"<STRUCTURES>{structures}</STRUCTURES></DONNEES></BEE_ELEVES>"
    ).encode()


@pytest.fixture
def stack(tmp_path, monkeypatch):
    settings = PixSettings.from_env(
        {"PIX_CLIENT_SECRET": "s3cret", "PIXGAR_DATA_DIR": str(tmp_path)})
    upgrade(settings.database_url)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    rp = FakeRelyingParty()
    return settings, rp, create_app(settings, relying_party=rp)


def csrf(client, path):
    html = client.get(path, base_url=BASE).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_admin_imports_the_roster_and_a_pupil_reconciles(stack, capsys):
    _, rp, app = stack
    assert main(["orga", "add-admin", "--uai", UAI, "--email", "admin@exemple.fr",
                 "--first-name", "Ada", "--last-name", "Admin", "--name", "Collège Test"]) == 0
    password = re.search(r"temporary password \(shown once\): (\S+)",
                         capsys.readouterr().out).group(1)

    admin = Client(app)
    token = csrf(admin, "/orga/connexion")
    logged = admin.post("/orga/connexion", base_url=BASE, data={
        "csrf_token": token, "email": "admin@exemple.fr", "password": password})
    assert (logged.status_code, logged.location) == (303, "/orga")
    assert "Collège Test" in admin.get("/orga", base_url=BASE).get_data(as_text=True)

    bad = admin.post(f"/orga/{UAI}/import", base_url=BASE, data={
        "csrf_token": csrf(admin, f"/orga/{UAI}/import"),
        "fichier": (io.BytesIO(siecle_xml(uai="0999999Z")), "ElevesSansAdresses.xml")})
    assert bad.status_code == 400
    assert "uai_mismatch" in bad.get_data(as_text=True)
    assert "TESTELEVE" not in admin.get(f"/orga/{UAI}/eleves", base_url=BASE).get_data(
        as_text=True)

    done = admin.post(f"/orga/{UAI}/import", base_url=BASE, data={
        "csrf_token": csrf(admin, f"/orga/{UAI}/import"),
        "fichier": (io.BytesIO(siecle_xml()), "ElevesSansAdresses.xml")})
    page = done.get_data(as_text=True)
    assert done.status_code == 200
    assert "Élèves ajoutés : 2" in page
    roster = admin.get(f"/orga/{UAI}/eleves", base_url=BASE).get_data(as_text=True)
    assert "TESTELEVE" in roster
    assert "14/03/2010" in roster
    assert "3A" in roster
    assert roster.count("Non associé") == 2

    pupil = Client(app)
    rp.identity = gar_identity(first="Flora", last="Testeleve")
    start = pupil.get("/connexion/gar", base_url=BASE)
    state = start.location.split("state=")[1]
    pupil.get(f"/connexion/oidc/callback?state={state}&code=good-code", base_url=BASE)
    assert pupil.get_cookie(COOKIE_NAME, domain="localhost") is not None
    assert pupil.get("/orga", base_url=BASE).status_code == 403  # GAR-only
    path = f"/organisations/{UAI}/avant-de-commencer"
    tied = pupil.post(path, base_url=BASE, data={
        "csrf_token": csrf(pupil, path), "nom": "Testeleve", "prenom": "flora",
        "jour": "14", "mois": "3", "annee": "2010"})
    assert "associé à votre établissement" in tied.get_data(as_text=True)
    roster = admin.get(f"/orga/{UAI}/eleves", base_url=BASE).get_data(as_text=True)
    assert "Associé à un compte" in roster
    assert roster.count("Non associé") == 1
