"""Campaign, member and invitation pages through the WSGI app, with in-memory fakes."""

import re

import lxml.html
import pytest
from werkzeug.test import Client

from pix_core.accounts.domain.users import AuthenticationMethod, SchoolContext, SiecleClaims, User
from pix_core.app import URL_MAP, pix_web
from pix_core.campaigns.adapters.target_catalog import ContentCatalog
from pix_core.evaluation.adapters.content_bank import default_content
from pix_core.orga.domain.memberships import Role
from pix_core.shared.adapters.http.kit import WebConfig
from pix_core.shared.adapters.http.sessions import COOKIE_NAME
from tests.unit.pix_core.accounts.fakes import FakeRelyingParty, InMemorySessionStore
from tests.unit.pix_core.campaigns.fakes import CampaignUnitOfWork, FakeCatalog
from tests.unit.pix_core.orga.fakes import BIRTH, UAI

BASE = "https://localhost:8444"
CODE = "PARCOU123"

ORGA_ROUTES = [  # (method, path) of every Pix Orga route this issue adds
    ("GET", f"/orga/{UAI}/membres"), ("POST", f"/orga/{UAI}/membres"),
    ("GET", f"/orga/{UAI}/campagnes"), ("POST", f"/orga/{UAI}/campagnes"),
    ("GET", f"/orga/{UAI}/campagnes/{CODE}"),
    ("GET", f"/orga/{UAI}/campagnes/{CODE}/export.csv"),
    ("POST", f"/orga/{UAI}/campagnes/{CODE}/archiver"),
]
PUPIL_ROUTES = [("GET", "/parcours"), ("POST", "/parcours"), ("GET", f"/campagnes/{CODE}"),
                ("POST", f"/campagnes/{CODE}"), ("POST", f"/campagnes/{CODE}/partager")]
PUBLIC_ROUTES = [("GET", "/orga/invitations/<token>"), ("POST", "/orga/invitations/<token>")]


class World:
    def __init__(self, clock, catalog=None):
        self.uow = CampaignUnitOfWork()
        self.sessions = InMemorySessionStore()
        self.clock = clock
        self.web = pix_web(WebConfig(base_url=BASE, issuer="https://localhost:8443"),
                          relying_party=FakeRelyingParty(), unit_of_work=lambda: self.uow,
                          sessions=self.sessions, clock=clock, catalog=catalog or FakeCatalog())
        self.client = Client(self.web)
        self.org = self.uow.school()
        self.admin = self.uow.teacher(email="admin@exemple.fr", role=Role.ADMIN,
                                      organization=self.org)
        self.teacher = self.uow.teacher(role=Role.MEMBER, organization=self.org)

    def get(self, path, **kw):
        return self.client.get(path, base_url=BASE, **kw)

    def post(self, path, data=None, **kw):
        return self.client.post(path, base_url=BASE, data={"csrf_token": "tok", **(data or {})},
                                **kw)

    def log_in_as(self, user):
        self.client = Client(self.web)
        session_id = self.sessions.create({"user_id": user.id, "csrf": "tok"}, self.clock())
        self.client.set_cookie(COOKIE_NAME, session_id, domain="localhost")

    def logged_user(self):
        cookie = self.client.get_cookie(COOKIE_NAME, domain="localhost")
        return self.sessions.load(cookie.value, self.clock()).get("user_id")

    def campaign(self):
        self.log_in_as(self.teacher)
        created = self.post(f"/orga/{UAI}/campagnes",
                            {"name": "Parcours 3e", "target": ["tube:rech", "tube:veille"]})
        assert created.status_code == 303
        return created.location.rsplit("/", 1)[1]

    def pupil(self, profiles=("National_elv",), tied=True, first="Léa", division="3A"):
        user = self.uow.users.add(User.new(first, "Lefèvre", self.clock()))
        school = SchoolContext(uai=(UAI,), profiles=profiles)
        self.uow.methods.add(AuthenticationMethod.for_gar(user.id, f"sub-{user.id}", school,
                                                          self.clock()))
        if tied:
            self.uow.learners.put(self.org.id, f"INE{user.id}", first, "Lefèvre", BIRTH,
                                  division, user_id=user.id)
        return user


@pytest.fixture
def world(clock):
    return World(clock)


def test_the_tests_enumerate_every_new_route():
    new = {(m, r.rule) for r in URL_MAP.iter_rules() for m in r.methods - {"HEAD", "OPTIONS"}
           if "campagne" in r.rule or "membres" in r.rule or "invitations" in r.rule
           or r.rule == "/parcours"}
    listed = {(m, re.sub(CODE, "<code>", re.sub(UAI, "<uai>", p)))
              for m, p in ORGA_ROUTES + PUPIL_ROUTES + PUBLIC_ROUTES}
    assert new == listed


@pytest.mark.parametrize(("method", "path"), ORGA_ROUTES)
def test_orga_routes_need_a_member_of_that_organisation(world, method, path):
    world.campaign()
    world.uow.campaigns.rows[1] = world.uow.campaigns.rows[1].__class__(
        **{**world.uow.campaigns.rows[1].__dict__, "code": CODE})
    world.client = Client(world.web)
    anonymous = world.client.open(path, method=method, base_url=BASE)
    assert (anonymous.status_code, anonymous.location) == (303, "/orga/connexion")
    other = world.uow.school(uai="0999999Z")
    outsider = world.uow.teacher(email="x@exemple.fr", role=Role.ADMIN, organization=other)
    for user in (outsider, world.pupil()):
        world.log_in_as(user)
        refused = world.post(path) if method == "POST" else world.get(path)
        assert refused.status_code == 403, user
    world.log_in_as(outsider)  # its own UAI does not open another organisation's campaign
    if "campagnes/" in path:
        response = world.get(path.replace(UAI, "0999999Z")) if method == "GET" else world.post(
            path.replace(UAI, "0999999Z"))
        assert response.status_code == 404


@pytest.mark.parametrize(("method", "path"), [r for r in ORGA_ROUTES + PUPIL_ROUTES
                                         if r[0] == "POST"])
def test_every_post_needs_the_csrf_token(world, method, path):
    world.log_in_as(world.admin)
    response = world.client.post(path, base_url=BASE, data={"csrf_token": "wrong"})
    assert response.status_code == 403


@pytest.mark.parametrize(("method", "path"), PUPIL_ROUTES)
def test_pupil_routes_start_a_gar_login(world, method, path):
    response = world.client.open(path, method=method, base_url=BASE)
    assert response.status_code == 303
    assert "authorization" in response.location


def test_a_teacher_creates_a_campaign_and_reads_its_dashboard_and_csv(world):
    code = world.campaign()
    listing = world.get(f"/orga/{UAI}/campagnes").get_data(as_text=True)
    assert code in listing
    assert "Parcours 3e" in listing
    page = world.get(f"/orga/{UAI}/campagnes/{code}").get_data(as_text=True)
    assert f"{BASE}/campagnes/{code}" in page
    assert "Aucun participant" in page
    export = world.get(f"/orga/{UAI}/campagnes/{code}/export.csv")
    assert export.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert export.data.startswith(b"\xef\xbb\xbfNom;Pr\xc3\xa9nom;Classe;Statut;")
    bad = world.post(f"/orga/{UAI}/campagnes", {"name": "Sans cible"})
    assert bad.status_code == 400
    assert "Choisissez au moins" in bad.get_data(as_text=True)
    world.post(f"/orga/{UAI}/campagnes/{code}/archiver")
    assert "Archivée" in world.get(f"/orga/{UAI}/campagnes").get_data(as_text=True)


def test_the_campaign_form_groups_competences_by_area_one_fieldset_each(clock):
    content = default_content()
    world = World(clock, catalog=ContentCatalog(content))
    world.log_in_as(world.teacher)
    form = lxml.html.fromstring(world.get(f"/orga/{UAI}/campagnes").data).get_element_by_id(
        "new-campaign")
    areas = form.find_class("target-area")
    assert [a.findtext("legend") for a in areas] == [
        f"{area.code}. {area.name}" for area in content.framework.areas]
    for area, fieldset in zip(content.framework.areas, areas, strict=True):
        competences = fieldset.find_class("target-competence")
        assert [c.findtext("legend") for c in competences] == [
            c.title for c in area.competences]
        for competence, box in zip(area.competences, competences, strict=True):
            lines = [" ".join(label.text_content().split()) for label in box.iter("label")]
            assert box.xpath(".//input/@value") == [f"competence:{competence.code}"] + [
                f"tube:{tube_id}" for tube_id in competence.tube_ids]
            whole = len(content.skills_of_competence(competence.code))
            assert lines == [f"Toute la compétence ({whole} acquis)"] + [
                f"{content.tubes[t].name} ({len(content.tubes[t].skill_ids)} acquis)"
                for t in competence.tube_ids]
    assert len(form.xpath(".//input[@type='checkbox']")) == 16 + 48
    assert not form.xpath(".//input[@type='checkbox'][not(ancestor::fieldset"
                          "[contains(@class, 'target-competence')])]")


def test_a_whole_competence_chosen_in_the_form_becomes_the_campaign_target(clock):
    content = default_content()
    world = World(clock, catalog=ContentCatalog(content))
    world.log_in_as(world.teacher)
    tube = content.framework.competence("4.1").tube_ids[0]
    created = world.post(f"/orga/{UAI}/campagnes", {
        "name": "Sécurité", "target": ["competence:4.1", f"tube:{tube}"]})
    assert created.status_code == 303
    campaign = next(iter(world.uow.campaigns.rows.values()))
    assert set(campaign.target_skill_ids) == {
        s.id for s in content.skills_of_competence("4.1")}
    assert campaign.target_description == "4.1 Sécuriser l'environnement numérique"
    refused = world.post(f"/orga/{UAI}/campagnes", {"name": " ", "target": "competence:4.1"})
    assert refused.status_code == 400  # the teacher's choice is still ticked
    kept = lxml.html.fromstring(refused.data).xpath("//input[@checked]/@value")
    assert kept == ["competence:4.1"]


def test_a_pupil_joins_by_code_answers_and_shares(world):
    code = world.campaign()
    pupil = world.pupil()
    world.log_in_as(pupil)
    assert 'href="/parcours"' in world.get("/profil").get_data(as_text=True)
    unknown = world.post("/parcours", {"code": "ZZZZZZ999"})
    assert unknown.status_code == 404
    assert "introuvable" in unknown.get_data(as_text=True)
    found = world.post("/parcours", {"code": code.lower()})
    assert (found.status_code, found.location) == (303, f"/campagnes/{code}")
    assert "Je commence" in world.get(found.location).get_data(as_text=True)
    joined = world.post(f"/campagnes/{code}")
    assessment_id = world.uow.participations.rows[1].assessment_id
    assert (joined.status_code, joined.location) == (303, f"/evaluations/{assessment_id}")
    assert world.post(f"/campagnes/{code}/partager").status_code == 409
    world.uow.campaign_assessments.finish(assessment_id, 8, {"@rech1"})
    page = world.get(f"/campagnes/{code}").get_data(as_text=True)
    assert "Partager mes résultats" in page
    shared = world.post(f"/campagnes/{code}/partager")
    assert shared.status_code == 303
    assert "ont été partagés" in world.get(f"/campagnes/{code}").get_data(as_text=True)
    world.log_in_as(world.teacher)
    page = world.get(f"/orga/{UAI}/campagnes/{code}").get_data(as_text=True)
    assert "Résultats reçus" in page
    assert "25 %" in page
    assert "3A" in page


def sure_match(world, pupil):
    """The proxy matched ``pupil`` for sure at their latest GAR login (a roster learner)."""
    method_id = max(world.uow.methods.rows)
    world.uow.methods.rows[method_id] = world.uow.methods.rows[method_id].logged_in(
        SchoolContext(uai=(UAI,), profiles=("National_elv",),
                      siecle=SiecleClaims("matched", UAI, "INE-LEA", BIRTH, "3A")),
        world.clock())
    world.uow.learners.put(world.org.id, "INE-LEA", "Léa", "Lefèvre", BIRTH, "3A")


def test_a_sure_match_clicks_once_and_lands_in_the_first_challenge(world):
    code = world.campaign()
    pupil = world.pupil(tied=False)
    sure_match(world, pupil)
    world.log_in_as(pupil)
    joined = world.post(f"/campagnes/{code}")
    assert joined.location == (f"/organisations/{UAI}/avant-de-commencer"
                               f"?suite=/campagnes/{code}")
    back = world.get(joined.location)  # the proxy's match ties without questions
    assert (back.status_code, back.location) == (303, f"/campagnes/{code}")
    landed = world.get(back.location)  # the join the pupil asked for goes on
    (participation,) = world.uow.participations.rows.values()
    assert participation.organization_learner_id is not None
    assert (landed.status_code, landed.location) == (
        303, f"/evaluations/{participation.assessment_id}")
    page = world.get(f"/campagnes/{code}").get_data(as_text=True)  # later: the page
    assert "Continuer mon parcours" in page
    assert "Je commence" not in page
    evil = world.get(f"/organisations/{UAI}/avant-de-commencer?suite=https://evil.example/")
    assert evil.status_code == 200  # no open redirect: the page itself


def test_a_pupil_identified_on_the_form_lands_in_the_first_challenge(world):
    code = world.campaign()
    pupil = world.pupil(tied=False)
    world.uow.learners.put(world.org.id, "INE-LEA", "Léa", "Lefèvre", BIRTH, "3A")
    world.log_in_as(pupil)
    form = world.post(f"/campagnes/{code}").location
    assert "Avant de commencer" in world.get(form).get_data(as_text=True)
    back = world.post(form, {"nom": "Lefèvre", "prenom": "Léa", "jour": BIRTH.day,
                             "mois": BIRTH.month, "annee": BIRTH.year})
    assert (back.status_code, back.location) == (303, f"/campagnes/{code}")
    assert world.get(back.location).location.startswith("/evaluations/")


def test_a_pupil_sent_back_unidentified_sees_the_campaign_page_not_a_loop(world):
    code = world.campaign()
    other = world.campaign()
    world.log_in_as(world.pupil(tied=False))
    form = world.post(f"/campagnes/{code}").location
    assert "avant-de-commencer" in form
    another = world.get(f"/campagnes/{other}")  # only the campaign asked for goes on
    assert another.status_code == 200
    assert "Je commence" in another.get_data(as_text=True)
    page = world.get(f"/campagnes/{code}")  # not identified yet: no second detour
    assert page.status_code == 200
    assert "Je commence" in page.get_data(as_text=True)
    assert world.get(f"/campagnes/{code}").status_code == 200
    assert world.uow.participations.rows == {}


def test_staff_from_the_gar_get_the_page_explaining_e_mail_accounts(world):
    world.log_in_as(world.pupil(profiles=("National_ens",), tied=False))
    page = world.get("/orga")
    text = page.get_data(as_text=True)
    assert page.status_code == 403
    assert "Pix Orga nécessite un compte avec adresse e-mail" in text
    assert "vous inviter" in text
    assert "administrateur Pix Orga" in text
    world.log_in_as(world.pupil())
    text = world.get("/orga").get_data(as_text=True)
    assert "orga-staff-help" not in text
    assert "Parcours" in text


def test_an_admin_invites_a_new_teacher_who_creates_the_account(world):
    world.log_in_as(world.teacher)
    assert world.get(f"/orga/{UAI}/membres").status_code == 403  # admins only
    world.log_in_as(world.admin)
    invited = world.post(f"/orga/{UAI}/membres", {"email": " Nouveau.Prof@Exemple.fr "})
    link = re.search(r"(https://localhost:8444/orga/invitations/[\w-]+)",
                     invited.get_data(as_text=True)).group(1)
    token = link.rsplit("/", 1)[1]
    assert "nouveau.prof@exemple.fr" in world.get(f"/orga/{UAI}/membres").get_data(
        as_text=True)
    assert token not in str(world.uow.invitations.rows)  # only its hash is stored

    world.client = Client(world.web)
    page = world.get(f"/orga/invitations/{token}")
    assert "Créez votre compte" in page.get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))[1]
    short = world.client.post(f"/orga/invitations/{token}", base_url=BASE, data={
        "csrf_token": csrf, "action": "creer", "prenom": "Noa", "nom": "Prof",
        "password": "court"})
    assert short.status_code == 400
    done = world.client.post(f"/orga/invitations/{token}", base_url=BASE, data={
        "csrf_token": csrf, "action": "creer", "prenom": "Noa", "nom": "Prof",
        "password": "un mot de passe"})
    assert (done.status_code, done.location) == (303, "/orga")
    user_id = world.logged_user()
    membership = world.uow.memberships.find(user_id, world.org.id)
    assert membership.role is Role.MEMBER
    assert world.uow.methods.find_pix_by_email("nouveau.prof@exemple.fr").user_id == user_id
    assert world.get(f"/orga/invitations/{token}").status_code == 404  # used once


def test_an_existing_account_joins_after_typing_its_password(world):
    other = world.uow.school(uai="0999999Z")
    known = world.uow.teacher(email="deja@exemple.fr", password="son mot de passe",
                              role=Role.ADMIN, organization=other)
    world.log_in_as(world.admin)
    invited = world.post(f"/orga/{UAI}/membres", {"email": "deja@exemple.fr"})
    token = re.search(r"/orga/invitations/([\w-]+)", invited.get_data(as_text=True))[1]
    world.client = Client(world.web)
    page = world.get(f"/orga/invitations/{token}").get_data(as_text=True)
    assert "Un compte Pix existe déjà" in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    wrong = world.client.post(f"/orga/invitations/{token}", base_url=BASE, data={
        "csrf_token": csrf, "action": "rejoindre", "password": "faux"})
    assert wrong.status_code == 400
    assert world.uow.memberships.find(known.id,
                                                                   world.org.id) is None
    world.client.post(f"/orga/invitations/{token}", base_url=BASE, data={
        "csrf_token": csrf, "action": "rejoindre", "password": "son mot de passe"})
    assert world.uow.memberships.find(known.id, world.org.id).role is Role.MEMBER
    assert world.uow.memberships.find(known.id, other.id).role is Role.ADMIN
