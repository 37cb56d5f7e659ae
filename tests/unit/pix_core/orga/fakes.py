"""In-memory repositories for Pix Orga and reconciliation unit tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from pix_core.accounts.domain.passwords import hash_password
from pix_core.accounts.domain.users import (
    AuthenticationMethod,
    IdentityProvider,
    SchoolContext,
    SiecleClaims,
    User,
)
from pix_core.orga.domain.learners import LearnerLink, RosterLine
from pix_core.orga.domain.memberships import Membership, Role
from roster.domain.learners import Learner, LearnerData, Organization
from roster.domain.matching import RosterEntry
from tests.unit.pix_core.accounts.fakes import NOW, InMemoryMethods, InMemoryUsers
from tests.unit.pix_core.evaluation.fakes import InMemoryAssessmentRepositories

UAI = "0561641E"


class OrgaUsers(InMemoryUsers):
    def find_by_email(self, email):
        return next((u for u in self.rows.values() if u.email == email.strip().lower()), None)


class OrgaMethods(InMemoryMethods):
    def find_pix_by_email(self, email):
        email = email.strip().lower()
        return next((m for m in self.rows.values()
                     if m.identity_provider is IdentityProvider.PIX and m.email == email), None)

    def list_for_user(self, user_id):
        return [m for m in self.rows.values() if m.user_id == user_id]


class FakeOrganizations:
    def __init__(self):
        self.rows: dict[int, Organization] = {}

    def get_by_uai(self, uai, *, for_update=False):
        return next((o for o in self.rows.values() if o.uai == uai), None)

    def add(self, organization):
        stored = replace(organization, id=len(self.rows) + 1)
        self.rows[stored.id] = stored
        return stored

    def mark_imported(self, organization_id, when):
        self.rows[organization_id] = replace(self.rows[organization_id], siecle_imported_at=when)


class FakeMemberships:
    def __init__(self, organizations: FakeOrganizations):
        self.rows: dict[int, Membership] = {}
        self.organizations = organizations

    def find(self, user_id, organization_id):
        return next((m for m in self.rows.values()
                     if (m.user_id, m.organization_id) == (user_id, organization_id)), None)

    def add(self, membership):
        stored = replace(membership, id=len(self.rows) + 1)
        self.rows[stored.id] = stored
        return stored

    def update(self, membership):
        self.rows[membership.id] = membership

    def list_for_user(self, user_id):
        return [(m, self.organizations.rows[m.organization_id])
                for m in self.rows.values() if m.user_id == user_id]


class FakeLearners:
    def __init__(self):
        self.rows: dict[int, Learner] = {}
        self.steal_before_tie: int | None = None  # simulate a concurrent tie

    def put(self, organization_id, ine, first, last, birthdate, division="3A", *,
            active=True, user_id=None) -> Learner:
        data = LearnerData(
            ine=ine, last_name=last, usage_name=None, first_name=first, second_name=None,
            third_name=None, birthdate=birthdate, sex="F", birth_city_code="75056",
            birth_city="PARIS", birth_department_code="075", birth_country_code="100",
            mef_code="10310019110", status="ST", division=division,
        )
        learner = replace(Learner.new(organization_id, data, NOW), id=len(self.rows) + 1,
                          is_active=active, user_id=user_id)
        self.rows[learner.id] = learner
        return learner

    def _link(self, learner):
        return LearnerLink(learner.id, learner.organization_id, learner.ine, learner.user_id,
                           learner.is_active)

    def active_entries(self, organization_id) -> list[RosterEntry]:
        return [lr.roster_entry() for lr in self.rows.values()
                if lr.organization_id == organization_id and lr.is_active]

    def find_for_user(self, organization_id, user_id):
        return next((self._link(lr) for lr in self.rows.values()
                     if lr.organization_id == organization_id and lr.user_id == user_id), None)

    def find_by_ine(self, organization_id, ine):
        return next((self._link(lr) for lr in self.rows.values()
                     if lr.organization_id == organization_id and lr.ine == ine), None)

    def get(self, learner_id):
        learner = self.rows.get(learner_id)
        return None if learner is None else self._link(learner)

    def roster_lines(self, organization_id):
        return [RosterLine(lr.last_name, lr.first_name, lr.division, lr.birthdate,
                           lr.is_active, lr.user_id is not None)
                for lr in self.rows.values() if lr.organization_id == organization_id]

    def tie(self, learner_id, user_id, now):
        if self.steal_before_tie is not None:
            self.rows[learner_id] = replace(self.rows[learner_id], user_id=self.steal_before_tie)
        if self.rows[learner_id].user_id is not None:
            return False
        self.rows[learner_id] = replace(self.rows[learner_id], user_id=user_id, updated_at=now)
        return True


class OrgaUnitOfWork:
    def __init__(self):
        self.users = OrgaUsers()
        self.methods = OrgaMethods()
        self.organizations = FakeOrganizations()
        self.memberships = FakeMemberships(self.organizations)
        self.learners = FakeLearners()
        repos = InMemoryAssessmentRepositories()
        self.assessments, self.answers = repos.assessments, repos.answers
        self.knowledge_elements = repos.knowledge_elements
        self.commits = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass

    def commit(self):
        self.commits += 1

    # --- builders ------------------------------------------------------------------------

    def school(self, uai=UAI, imported: datetime | None = NOW) -> Organization:
        organization = self.organizations.add(Organization.new(uai, NOW, name="Collège Test"))
        if imported is not None:
            self.organizations.mark_imported(organization.id, imported)
        return self.organizations.rows[organization.id]

    def pupil(self, siecle: SiecleClaims | None = None, first="Flora", last="Dupont") -> User:
        user = self.users.add(User.new(first, last, NOW))
        school = SchoolContext(uai=(UAI,), profiles=("National_elv",), siecle=siecle)
        self.methods.add(AuthenticationMethod.for_gar(user.id, f"sub-{user.id}", school, NOW))
        return user

    def teacher(self, email="jeanne.prof@exemple.fr", password="correct horse",
                role: Role | None = None, organization: Organization | None = None) -> User:
        user = self.users.add(User.new("Jeanne", "Prof", NOW, email=email))
        self.methods.add(AuthenticationMethod.for_pix(user.id, email, hash_password(password),
                                                      NOW))
        if role is not None and organization is not None:
            self.memberships.add(Membership(None, user.id, organization.id, role, NOW))
        return user


BIRTH = date(2010, 3, 14)
