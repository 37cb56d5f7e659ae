"""Campaigns: codes, statuses, mastery rate, authorisation, dashboard and CSV (fakes)."""

import re
import secrets
from datetime import UTC, datetime
from itertools import chain, repeat

import pytest

import pix_core.campaigns.domain.campaigns as campaigns
from pix_core.campaigns.domain.campaigns import generate_code, is_valid_code, normalize_code
from pix_core.campaigns.domain.dashboard import CSV_HEADERS, DashboardLine, campaign_csv
from pix_core.campaigns.domain.errors import (
    CampaignArchived,
    CampaignNotFound,
    CodeSpaceExhausted,
    InvalidCampaign,
    NotReadyToShare,
    ParticipationNotFound,
)
from pix_core.campaigns.domain.participations import NO_CLASS, ParticipationStatus, mastery_rate
from pix_core.campaigns.usecases.archive_campaign import archive_campaign
from pix_core.campaigns.usecases.create_campaign import create_campaign
from pix_core.campaigns.usecases.join_campaign import join_campaign
from pix_core.campaigns.usecases.list_campaigns import list_campaigns
from pix_core.campaigns.usecases.share_campaign_results import share_campaign_results
from pix_core.campaigns.usecases.show_campaign_dashboard import show_campaign_dashboard
from pix_core.campaigns.usecases.show_my_participation import show_my_participation
from pix_core.orga.domain.errors import MembershipRequired
from pix_core.orga.domain.memberships import Role
from tests.unit.pix_core.accounts.fakes import NOW
from tests.unit.pix_core.campaigns.fakes import CampaignUnitOfWork, FakeCatalog
from tests.unit.pix_core.orga.fakes import BIRTH, UAI


def test_codes_are_six_upper_case_letters_and_three_digits():
    codes = {generate_code() for _ in range(500)}
    assert all(re.fullmatch(r"[A-Z]{6}[0-9]{3}", code) for code in codes)
    assert len(codes) == 500  # 3e11 possibilities: no repeat in 500 draws
    assert is_valid_code("ABCDEF123")
    assert not is_valid_code("ABCDE1234")
    assert not is_valid_code("abcdef123")
    assert normalize_code(" abc def 123 ") == "ABCDEF123"


def test_code_generation_uses_secrets():
    assert campaigns.generate_code.__defaults__[0] is secrets.choice  # SystemRandom


def test_mastery_rate_counts_validated_skills_of_the_target_only():
    assert mastery_rate({"@a1", "@a2", "@z9"}, ["@a1", "@a2", "@a3", "@a4"]) == 0.5
    assert mastery_rate(set(), ["@a1"]) == 0.0
    assert mastery_rate({"@a1"}, []) == 0.0


class World:
    def __init__(self, clock):
        self.uow = CampaignUnitOfWork()
        self.clock = clock
        self.org = self.uow.school()
        self.teacher = self.uow.teacher(role=Role.MEMBER, organization=self.org)

    def create(self, user=None, name="Parcours 3e", targets=("competence:1.1",),
               uai=UAI, **kw):
        uow = self.uow
        return create_campaign((user or self.teacher).id, uai, name, list(targets),
                               organizations=uow.organizations, memberships=uow.memberships,
                               campaigns=uow.campaigns, catalog=FakeCatalog(),
                               clock=self.clock, **kw)

    def join(self, user, code):
        uow = self.uow
        return join_campaign(user.id, code, campaigns=uow.campaigns,
                             participations=uow.participations, learners=uow.learners,
                             assessments=uow.campaign_assessments, clock=self.clock)

    def mine(self, user, code):
        uow = self.uow
        return show_my_participation(user.id, code, campaigns=uow.campaigns,
                                     participations=uow.participations,
                                     assessments=uow.campaign_assessments)

    def share(self, user, code):
        uow = self.uow
        return share_campaign_results(user.id, code, campaigns=uow.campaigns,
                                      participations=uow.participations,
                                      assessments=uow.campaign_assessments, clock=self.clock)

    def dashboard(self, user=None, code="", uai=UAI):
        uow = self.uow
        return show_campaign_dashboard((user or self.teacher).id, uai, code,
                                       organizations=uow.organizations,
                                       memberships=uow.memberships, campaigns=uow.campaigns,
                                       participations=uow.participations)

    def tied_pupil(self, first, last, division):
        pupil = self.uow.pupil(first=first, last=last)
        self.uow.learners.put(self.org.id, f"INE{pupil.id:08d}", first, last, BIRTH,
                              division, user_id=pupil.id)
        return pupil


@pytest.fixture
def world(clock):
    return World(clock)


def test_a_member_creates_a_campaign_with_a_target_profile(world):
    campaign = world.create(targets=["tube:rech", "tube:veille", "tube:rech", "tube:nope"])
    assert is_valid_code(campaign.code)
    assert campaign.target_skill_ids == ("@rech1", "@rech2", "@veille1", "@veille2")
    assert campaign.target_description == "1.1 · Recherche ; 1.1 · Veille"
    assert campaign.created_by == world.teacher.id
    assert campaign.organization_id == world.org.id


def test_a_whole_competence_takes_all_its_skills_and_names_it_alone(world):
    campaign = world.create(targets=["tube:rech", "competence:1.1", "tube:veille"])
    assert campaign.target_skill_ids == ("@rech1", "@rech2", "@veille1", "@veille2")
    assert campaign.target_description == "1.1 Mener une recherche"


def test_creation_retries_on_a_taken_code_and_gives_up_eventually(world):
    first = world.create(new_code=lambda: "AAAAAA111")
    world.uow.campaigns.taken_on_insert.add("BBBBBB222")  # a concurrent insert wins
    codes = chain(["AAAAAA111", "BBBBBB222"], repeat("CCCCCC333"))
    second = world.create(new_code=lambda: next(codes))
    assert (first.code, second.code) == ("AAAAAA111", "CCCCCC333")
    with pytest.raises(CodeSpaceExhausted):
        world.create(new_code=lambda: "AAAAAA111")


@pytest.mark.parametrize(("name", "targets", "kind"), [
    ("  ", ["competence:1.1"], "name_missing"),
    ("Parcours", [], "empty_target_profile"),
    ("Parcours", ["competence:9.9"], "empty_target_profile"),
])
def test_a_campaign_needs_a_name_and_a_target(world, name, targets, kind):
    with pytest.raises(InvalidCampaign) as refused:
        world.create(name=name, targets=targets)
    assert refused.value.kind == kind


def test_only_members_of_the_organisation_see_its_campaigns(world):
    campaign = world.create()
    other_org = world.uow.school(uai="0999999Z")
    outsider = world.uow.teacher(email="autre@exemple.fr", role=Role.ADMIN,
                                 organization=other_org)
    with pytest.raises(MembershipRequired):
        world.create(user=outsider)
    with pytest.raises(MembershipRequired):
        world.dashboard(user=outsider, code=campaign.code)
    with pytest.raises(CampaignNotFound):  # the code of another organisation's campaign
        world.dashboard(user=outsider, code=campaign.code, uai="0999999Z")
    pupil = world.uow.pupil()
    with pytest.raises(MembershipRequired):
        world.dashboard(user=pupil, code=campaign.code)
    listing = list_campaigns(world.teacher.id, UAI, organizations=world.uow.organizations,
                             memberships=world.uow.memberships, campaigns=world.uow.campaigns,
                             participations=world.uow.participations)
    assert [line.campaign.code for line in listing.lines] == [campaign.code]


def test_the_first_participation_waits_for_reconciliation_in_a_school_with_a_roster(world):
    campaign = world.create()
    pupil = world.uow.pupil()
    outcome = world.join(pupil, campaign.code.lower())
    assert outcome.reconcile_in == UAI
    assert outcome.participation is None
    assert not world.uow.participations.rows
    learner = world.uow.learners.put(world.org.id, "123", "Flora", "Dupont", BIRTH, "3A",
                                     user_id=pupil.id)
    outcome = world.join(pupil, campaign.code)
    assert outcome.created
    assert outcome.participation.organization_learner_id == learner.id
    assessment_id = outcome.participation.assessment_id
    assert world.uow.campaign_assessments.started[assessment_id] == (
        pupil.id, campaign.target_skill_ids, outcome.participation.id)


def test_statuses_go_started_to_share_shared_and_one_participation_per_pupil(world, clock):
    world.uow.organizations.rows[world.org.id] = world.org.__class__(
        world.org.id, UAI, "Collège", NOW)  # no roster: no reconciliation
    campaign = world.create()
    pupil = world.uow.pupil()
    first = world.join(pupil, campaign.code).participation
    again = world.join(pupil, campaign.code)
    assert not again.created
    assert again.participation.id == first.id
    assert len(world.uow.participations.rows) == 1
    assert first.status is ParticipationStatus.STARTED
    assert first.organization_learner_id is None
    assert world.mine(pupil, campaign.code).assessment_id == first.assessment_id
    with pytest.raises(NotReadyToShare):
        world.share(pupil, campaign.code)

    world.uow.campaign_assessments.finish(first.assessment_id, pix=24,
                                          validated={"@rech1", "@rech2", "@veille1", "@x"})
    assert world.mine(pupil, campaign.code).participation.status is ParticipationStatus.TO_SHARE
    clock.advance(days=1)
    shared = world.share(pupil, campaign.code)
    assert shared.status is ParticipationStatus.SHARED
    assert shared.shared_at == clock()
    assert (shared.pix_score, shared.validated_skill_count) == (24, 3)
    with pytest.raises(NotReadyToShare):
        world.share(pupil, campaign.code)
    with pytest.raises(ParticipationNotFound):  # someone else's participation: none
        world.share(world.uow.pupil(first="Autre"), campaign.code)


def test_an_archived_campaign_cannot_be_joined(world):
    campaign = world.create()
    pupil = world.tied_pupil("Léa", "Lefèvre", "3A")
    world.join(pupil, campaign.code)
    archive_campaign(world.teacher.id, UAI, campaign.code, organizations=world.uow.organizations,
                     memberships=world.uow.memberships, campaigns=world.uow.campaigns,
                     clock=world.clock)
    assert world.uow.campaigns.get_by_code(campaign.code).is_archived
    with pytest.raises(CampaignArchived):
        world.join(world.tied_pupil("Chloé", "Benoît", "3A"), campaign.code)
    assert world.join(pupil, campaign.code).participation is not None  # own one stays
    with pytest.raises(CampaignNotFound):
        world.join(pupil, "ZZZZZZ999")


def test_the_dashboard_groups_by_class_and_shows_results_once_shared(world):
    campaign = world.create()
    lea = world.tied_pupil("Léa", "Lefèvre", "3A")
    chloe = world.tied_pupil("Chloé", "Benoît", "3A")
    noe = world.tied_pupil("Noé", "Garçon", "3B")
    nobody = world.uow.pupil(first="Sam", last="Zed")
    assessments = world.uow.campaign_assessments
    for pupil, pix, validated in ((lea, 16, {"@rech1", "@rech2"}), (chloe, 8, {"@rech1"}),
                                  (noe, 0, set())):
        participation = world.join(pupil, campaign.code).participation
        assessments.finish(participation.assessment_id, pix, validated)
    world.share(lea, campaign.code)
    world.share(chloe, campaign.code)
    world.mine(noe, campaign.code)  # done, not shared
    # a participation without a roster learner (e.g. before the school imported one)
    world.uow.participations.add(world.uow.participations.rows[1].__class__(
        None, campaign.id, nobody.id, None, ParticipationStatus.STARTED, NOW))

    dashboard = world.dashboard(code=campaign.code)
    assert [g.label for g in dashboard.groups] == ["3A", "3B", NO_CLASS]
    three_a = dashboard.groups[0].lines
    assert [(x.last_name, x.pix_score, x.mastery_rate) for x in three_a] == [
        ("Benoît", 8, 0.25), ("Lefèvre", 16, 0.5)]
    noe_line = dashboard.groups[1].lines[0]
    assert noe_line.status is ParticipationStatus.TO_SHARE
    assert (noe_line.pix_score, noe_line.mastery_rate, noe_line.shared_at) == (None, None, None)

    text = dashboard.csv().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = text[1:].split("\r\n")
    assert rows[0] == ";".join(CSV_HEADERS)
    assert rows[0] == "Nom;Prénom;Classe;Statut;Score pix;Taux de maîtrise;Date de partage"
    assert rows[1] == "Benoît;Chloé;3A;Résultats reçus;8;25 %;02/09/2024"
    assert rows[3] == "Garçon;Noé;3B;En attente d'envoi;;;"
    assert rows[4] == "Zed;Sam;Sans classe;En cours;;;"
    assert rows[5] == ""


def test_csv_cells_never_start_a_formula():
    line = DashboardLine("=HYPERLINK(1)", "+x", "3A", ParticipationStatus.SHARED, 8, 1.0,
                         datetime(2024, 9, 3, tzinfo=UTC))
    text = campaign_csv([line]).decode("utf-8-sig")
    assert text.splitlines()[1] == "'=HYPERLINK(1);'+x;3A;Résultats reçus;8;100 %;03/09/2024"
