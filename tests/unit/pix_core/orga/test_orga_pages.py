"""Pix Orga pages and "Avant de commencer" through the WSGI app, with in-memory fakes."""

import re

import pytest
from werkzeug.test import Client

from pix_core.accounts.domain.users import SiecleClaims
from pix_core.app import pix_web
from pix_core.orga.domain.memberships import Role
from pix_core.orga.usecases.upload_siecle_roster import ImportProblem, UploadResult
from pix_core.shared.adapters.http.kit import WebConfig
from pix_core.shared.adapters.http.sessions import COOKIE_NAME
from tests.unit.pix_core.accounts.fakes import FakeRelyingParty, InMemorySessionStore
from tests.unit.pix_core.orga.fakes import BIRTH, UAI, OrgaUnitOfWork

BASE = "https://localhost:8444"


class World:
    def __init__(self, clock):
        self.uow = OrgaUnitOfWork()
        self.sessions = InMemorySessionStore()
        self.rp = FakeRelyingParty()
        self.uploads = []
        self.next_result = UploadResult(ok=True, created=2, updated=1, unchanged=3, gone=1)
        self.web = pix_web(
            WebConfig(base_url=BASE, issuer="https://localhost:8443"),
            relying_party=self.rp,
            unit_of_work=lambda: self.uow,
            sessions=self.sessions,
            clock=clock,
            importer_for=lambda uow: self.importer,
        )
        self.client = Client(self.web)
        self.clock = clock

    def importer(self, organization, filename, stream):
        self.uploads.append((organization.uai, filename, stream.read()))
        return self.next_result

    def get(self, path, **kw):
        return self.client.get(path, base_url=BASE, **kw)

    def post(self, path, **kw):
        return self.client.post(path, base_url=BASE, **kw)

    def cookie(self):
        cookie = self.client.get_cookie(COOKIE_NAME, domain="localhost")
        return None if cookie is None else cookie.value

    def csrf(self, path):
        html = self.get(path).get_data(as_text=True)
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    def orga_login(self, email="jeanne.prof@exemple.fr", password="correct horse"):
        token = self.csrf("/orga/connexion")
        return self.post("/orga/connexion", data={"csrf_token": token, "email": email,
                                                  "password": password})

    def log_in_as(self, user):
        """A session for ``user``, as after a GAR login."""
        session_id = self.sessions.create({"user_id": user.id, "csrf": "tok"}, self.clock())
        self.client.set_cookie(COOKIE_NAME, session_id, domain="localhost")


@pytest.fixture
def world(clock):
    return World(clock)


def test_orga_login_renews_the_session_and_lists_the_organisations(world, caplog):
    org = world.uow.school()
    world.uow.teacher(role=Role.ADMIN, organization=org)
    world.get("/orga/connexion")
    before = world.cookie()
    with caplog.at_level("DEBUG"):
        response = world.orga_login()
    assert (response.status_code, response.location) == (303, "/orga")
    assert world.cookie() not in (None, before)
    assert before not in world.sessions.rows
    page = world.get("/orga").get_data(as_text=True)
    assert "Collège Test" in page
    assert f"/orga/{UAI}/eleves" in page
    assert f"/orga/{UAI}/import" in page
    assert "jeanne.prof" not in caplog.text
    assert "correct horse" not in caplog.text


@pytest.mark.parametrize(("email", "password"), [
    ("jeanne.prof@exemple.fr", "wrong"), ("nobody@exemple.fr", "correct horse")])
def test_orga_login_failure_is_generic(world, email, password):
    world.uow.teacher()
    response = world.orga_login(email, password)
    page = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "L'adresse e-mail ou le mot de passe est incorrect." in page
    assert world.get("/orga").status_code == 303


def test_orga_login_without_the_csrf_token_is_refused(world):
    world.uow.teacher()
    world.get("/orga/connexion")
    response = world.post("/orga/connexion", data={"email": "jeanne.prof@exemple.fr",
                                                   "password": "correct horse"})
    assert response.status_code == 403
    assert "Référence de l'erreur" in response.get_data(as_text=True)


def test_a_gar_only_user_is_told_pix_orga_needs_an_email_account(world):
    world.log_in_as(world.uow.pupil())
    response = world.get("/orga")
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Pix Orga nécessite un compte avec adresse e-mail" in page


def test_roster_and_import_need_membership(world):
    org = world.uow.school()
    other = world.uow.school(uai="0999999Z")
    world.uow.teacher(role=Role.MEMBER, organization=org)
    world.uow.learners.put(org.id, "123456789AB", "Flora", "Dupont", BIRTH, user_id=9)
    world.uow.learners.put(org.id, "123456789AC", "Léo", "Martin", BIRTH)
    world.uow.learners.put(org.id, "123456789AD", "Zoé", "Parti", BIRTH, active=False)
    world.orga_login()
    page = world.get(f"/orga/{UAI}/eleves").get_data(as_text=True)
    for text in ("Dupont", "14/03/2010", "Associé à un compte", "Non associé", "Parti"):
        assert text in page
    assert world.get(f"/orga/{other.uai}/eleves").status_code == 403
    assert world.get("/orga/0123456A/eleves").status_code == 404
    assert world.get(f"/orga/{UAI}/import").status_code == 403  # members do not import
    assert world.get("/orga") .status_code == 200


def test_admin_uploads_and_sees_a_french_summary(world):
    org = world.uow.school()
    world.uow.teacher(role=Role.ADMIN, organization=org)
    world.orga_login()
    token = world.csrf(f"/orga/{UAI}/import")
    response = world.post(f"/orga/{UAI}/import", data={
        "csrf_token": token, "fichier": (__import__("io").BytesIO(b"<xml/>"), "eleves.xml")})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Import réussi" in page
    assert "Élèves ajoutés : 2" in page
    assert "Élèves partis : 1" in page
    assert world.uploads == [(UAI, "eleves.xml", b"<xml/>")]


def test_a_refused_upload_lists_the_errors(world):
    org = world.uow.school()
    world.uow.teacher(role=Role.ADMIN, organization=org)
    world.next_result = UploadResult(ok=False, problems=(
        ImportProblem("birthdate_invalid", "La date de naissance n'est pas valide.",
                      "ELEVE_ID=12"),))
    world.orga_login()
    token = world.csrf(f"/orga/{UAI}/import")
    response = world.post(f"/orga/{UAI}/import", data={
        "csrf_token": token, "fichier": (__import__("io").BytesIO(b"x"), "eleves.xml")})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "birthdate_invalid" in page
    assert "ELEVE_ID=12" in page
    assert "la liste des élèves est inchangée" in page


def test_upload_without_csrf_is_refused(world):
    org = world.uow.school()
    world.uow.teacher(role=Role.ADMIN, organization=org)
    world.orga_login()
    response = world.post(f"/orga/{UAI}/import", data={
        "fichier": (__import__("io").BytesIO(b"x"), "eleves.xml")})
    assert response.status_code == 403
    assert world.uploads == []


def test_reconciliation_page_form_then_tie(world):
    org = world.uow.school()
    learner = world.uow.learners.put(org.id, "123456789AB", "Flora", "Dupont", BIRTH)
    pupil = world.uow.pupil()
    world.log_in_as(pupil)
    path = f"/organisations/{UAI}/avant-de-commencer"
    page = world.get(path).get_data(as_text=True)
    for label in ("Votre nom", "Votre prénom", "Votre date de naissance", "Jour", "Mois",
                  "Année"):
        assert label in page
    form = {"csrf_token": "tok", "nom": "Martin", "prenom": "Léo", "jour": "14", "mois": "3",
            "annee": "2010"}
    assert "Aucun élève ne correspond" in world.post(path, data=form).get_data(as_text=True)
    form.update(nom="dupont", prenom="flora")
    page = world.post(path, data=form).get_data(as_text=True)
    assert "associé à votre établissement" in page
    assert world.uow.learners.rows[learner.id].user_id == pupil.id
    assert "vous êtes déjà identifié" in world.get(path).get_data(as_text=True).lower()


def test_reconciliation_refuses_a_learner_of_another_account_with_a_hint(world):
    org = world.uow.school()
    owner = world.uow.teacher(email="jeanne.dupont@exemple.fr")
    world.uow.learners.put(org.id, "123456789AB", "Flora", "Dupont", BIRTH, user_id=owner.id)
    world.log_in_as(world.uow.pupil())
    page = world.post(f"/organisations/{UAI}/avant-de-commencer", data={
        "csrf_token": "tok", "nom": "Dupont", "prenom": "Flora", "jour": "14", "mois": "03",
        "annee": "2010"}).get_data(as_text=True)
    assert "j***@e***.fr" in page
    assert "déjà associé à un autre compte" in page


def test_reconciliation_ties_automatically_after_a_matched_gar_login(world):
    org = world.uow.school()
    learner = world.uow.learners.put(org.id, "123456789AB", "Flora", "Dupont", BIRTH)
    pupil = world.uow.pupil(SiecleClaims("matched", uai=UAI, ine="123456789AB"))
    world.log_in_as(pupil)
    page = world.get(f"/organisations/{UAI}/avant-de-commencer").get_data(as_text=True)
    assert "associé à votre établissement" in page
    assert world.uow.learners.rows[learner.id].user_id == pupil.id


def test_reconciliation_messages_for_no_roster_bad_date_and_ambiguity(world):
    org = world.uow.school()
    world.uow.learners.put(org.id, "123456789AB", "Flora", "Dupont", BIRTH)
    world.uow.learners.put(org.id, "123456789AC", "Flora", "Dupont", BIRTH)
    world.uow.school(uai="0999999Z", imported=None)
    world.log_in_as(world.uow.pupil())
    assert "rien à faire" in world.get(
        "/organisations/0999999Z/avant-de-commencer").get_data(as_text=True)
    path = f"/organisations/{UAI}/avant-de-commencer"
    form = {"csrf_token": "tok", "nom": "Dupont", "prenom": "Flora", "jour": "31",
            "mois": "02", "annee": "2010"}
    assert "date de naissance n'est pas valide" in world.post(path, data=form).get_data(
        as_text=True)
    form["jour"] = "14"
    form["mois"] = "03"
    assert "Demandez à votre enseignant" in world.post(path, data=form).get_data(as_text=True)
    form["csrf_token"] = "wrong"
    assert world.post(path, data=form).status_code == 403


def test_reconciliation_starts_a_gar_login_when_logged_out(world):
    response = world.get(f"/organisations/{UAI}/avant-de-commencer")
    assert response.status_code == 303
    assert response.location.startswith(FakeRelyingParty.authorization_endpoint)


def test_new_pages_have_no_inline_script_or_style(world):
    world.log_in_as(world.uow.pupil())
    for path in ("/orga/connexion", "/orga", f"/organisations/{UAI}/avant-de-commencer"):
        page = world.get(path).get_data(as_text=True)
        assert "<script" not in page
        assert "style=" not in page
        assert "<style" not in page
