"""In-memory campaigns, participations, invitations and a fake positioning engine."""

from __future__ import annotations

from dataclasses import replace

from pix_core.campaigns.domain.errors import AlreadyParticipating, CodeTaken
from pix_core.campaigns.domain.participations import AssessmentResult, Participant
from pix_core.campaigns.domain.target_profiles import TargetArea, TargetChoice, TargetCompetence
from pix_core.orga.domain.invitations import Member
from tests.unit.pix_core.orga.fakes import OrgaUnitOfWork

CHOICES = [
    TargetChoice("competence", "1.1", "1.1 Mener une recherche", ("@rech1", "@rech2",
                                                                    "@veille1", "@veille2")),
    TargetChoice("tube", "rech", "1.1 · Recherche", ("@rech1", "@rech2")),
    TargetChoice("tube", "veille", "1.1 · Veille", ("@veille1", "@veille2")),
]


class FakeCatalog:
    def areas(self):
        return [TargetArea("1", "Information et données",
                           (TargetCompetence(CHOICES[0], tuple(CHOICES[1:])),))]

    def choices(self):
        return list(CHOICES)


class FakeCampaigns:
    def __init__(self, organizations):
        self.rows = {}
        self.organizations = organizations
        self.taken_on_insert: set[str] = set()  # codes another request inserts first

    def add(self, campaign):
        if campaign.code in self.taken_on_insert or self.code_exists(campaign.code):
            raise CodeTaken()
        stored = replace(campaign, id=len(self.rows) + 1)
        self.rows[stored.id] = stored
        return stored

    def code_exists(self, code):
        return any(c.code == code for c in self.rows.values())

    def get_by_code(self, code):
        return next((c for c in self.rows.values() if c.code == code), None)

    def list_for_organization(self, organization_id):
        return [c for c in self.rows.values() if c.organization_id == organization_id]

    def update(self, campaign):
        self.rows[campaign.id] = campaign

    def organization_of(self, campaign):
        return self.organizations.rows[campaign.organization_id]


class FakeParticipations:
    def __init__(self, users, learners):
        self.rows = {}
        self.users, self.learners = users, learners

    def find(self, campaign_id, user_id):
        return next((p for p in self.rows.values()
                     if (p.campaign_id, p.user_id) == (campaign_id, user_id)), None)

    def add(self, participation):
        if self.find(participation.campaign_id, participation.user_id) is not None:
            raise AlreadyParticipating()
        stored = replace(participation, id=len(self.rows) + 1)
        self.rows[stored.id] = stored
        return stored

    def update(self, participation):
        self.rows[participation.id] = participation

    def participants(self, campaign_id):
        found = []
        for p in self.rows.values():
            if p.campaign_id != campaign_id:
                continue
            learner = self.learners.rows.get(p.organization_learner_id)
            user = self.users.rows[p.user_id]
            if learner is not None:
                found.append(Participant(p, learner.last_name, learner.first_name,
                                         learner.division))
            else:
                found.append(Participant(p, user.last_name, user.first_name, None))
        return found

    def count_by_campaign(self, campaign_ids):
        counts = {}
        for p in self.rows.values():
            if p.campaign_id in campaign_ids:
                counts[p.campaign_id] = counts.get(p.campaign_id, 0) + 1
        return counts


class FakeAssessments:
    """Assessments are ids; the test says when one is done and what it validated."""

    def __init__(self):
        self.started = {}  # id -> (user_id, skills, participation_id)
        self.done: set[int] = set()
        self.results = {}  # user_id -> AssessmentResult

    def start(self, user_id, target_skill_ids, campaign_participation_id):
        assessment_id = 100 + len(self.started)
        self.started[assessment_id] = (user_id, tuple(target_skill_ids),
                                       campaign_participation_id)
        return assessment_id

    def is_completed(self, assessment_id):
        return assessment_id in self.done

    def result(self, user_id, assessment_id):
        return self.results.get(user_id, AssessmentResult(0, frozenset()))

    def finish(self, assessment_id, pix=0, validated=()):
        user_id = self.started[assessment_id][0]
        self.done.add(assessment_id)
        self.results[user_id] = AssessmentResult(pix, frozenset(validated))


class FakeInvitations:
    def __init__(self, organizations):
        self.rows = {}
        self.organizations = organizations

    def add(self, invitation):
        stored = replace(invitation, id=len(self.rows) + 1)
        self.rows[stored.id] = stored
        return stored

    def update(self, invitation):
        self.rows[invitation.id] = invitation

    def find_by_token_hash(self, token_hash):
        return next((i for i in self.rows.values() if i.token_hash == token_hash), None)

    def find_pending(self, organization_id, email):
        return next((i for i in self.rows.values() if i.organization_id == organization_id
                     and i.email == email and i.accepted_at is None), None)

    def list_pending(self, organization_id):
        return [i for i in self.rows.values()
                if i.organization_id == organization_id and i.accepted_at is None]

    def organization_of(self, invitation):
        return self.organizations.rows[invitation.organization_id]


class FakeMembers:
    def __init__(self, users, memberships):
        self.users, self.memberships = users, memberships

    def members(self, organization_id):
        return [Member(m.user_id, self.users.rows[m.user_id].first_name,
                       self.users.rows[m.user_id].last_name, self.users.rows[m.user_id].email,
                       m.role.value)
                for m in self.memberships.rows.values() if m.organization_id == organization_id]


class CampaignUnitOfWork(OrgaUnitOfWork):
    def __init__(self):
        super().__init__()
        self.campaigns = FakeCampaigns(self.organizations)
        self.participations = FakeParticipations(self.users, self.learners)
        self.campaign_assessments = FakeAssessments()
        self.invitations = FakeInvitations(self.organizations)
        self.members = FakeMembers(self.users, self.memberships)
