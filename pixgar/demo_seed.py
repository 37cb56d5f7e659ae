"""Demo data for ``pixgar demo``: a Pix Orga administrator of the simulator's school, one
campaign, the school's SIECLE roster and a certification session with Léa and Noé
enrolled, created once and found again on the next start (idempotent; a roster the
administrator imported since is left alone)."""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from gar_sim.users import SCHOOL_NAME, SCHOOL_UAI
from kernel.clock import Clock
from kernel.devkeys import ensure_random_secret
from kernel.sql.engine import make_engine
from kernel.stored import NotStored
from pix_core.accounts.domain.passwords import hash_password, verify_password
from pix_core.campaigns.adapters.target_catalog import ContentCatalog
from pix_core.campaigns.usecases.create_campaign import create_campaign
from pix_core.certification.domain.candidate_list import CandidatePick
from pix_core.certification.domain.sessions import CertificationSession, SessionDetails
from pix_core.certification.usecases.create_certification_session import (
    create_certification_session,
)
from pix_core.certification.usecases.enrol_candidates import enrol_candidates
from pix_core.database.unit_of_work import unit_of_work_factory
from pix_core.evaluation.adapters.content_bank import default_content
from pix_core.orga.usecases.add_organization_admin import add_organization_admin
from roster.reading import read_roster_file
from roster.reading.synthetic import SyntheticPupil, siecle_csv
from roster.sql.repositories import roster_unit_of_work_factory
from roster.usecases.import_siecle_roster import import_siecle_roster

DEMO_ADMIN_EMAIL = "admin.demo@exemple.fr"
DEMO_CAMPAIGN_NAME = "Parcours de démonstration"
DEMO_CERTIFICATION_ROOM = "Salle de démonstration"
DEMO_CANDIDATE_INES = ("070801234AB", "070801239FG")  # Léa Lefèvre, Noé Garçon
# The simulator's pupils (gar_sim/users.py) as SIECLE knows them, one case each:
DEMO_ROSTER = (
    # a sure match: the proxy releases INE, birth date and class
    SyntheticPupil("1", "070801234AB", "Lefèvre", "Léa", "14/03/2011", "2", "3A"),
    SyntheticPupil("3", "070801239FG", "Garçon", "Noé", "11/11/2011", "1", "3B"),
    # two Chloé Benoît in 3A: the proxy never guesses, she confirms her birth date
    # on "Avant de commencer"
    SyntheticPupil("2", "070801235BC", "Benoît", "Chloé", "02/07/2011", "2", "3A"),
    SyntheticPupil("6", "070801240GH", "Benoît", "Chloé", "23/05/2011", "2", "3A"),
    # the two homonyms Théo Martin, told apart by the class the GAR sends
    SyntheticPupil("4", "070801236CD", "Martin", "Théo", "20/01/2011", "1", "3A"),
    SyntheticPupil("5", "070801237DE", "Martin", "Théo", "05/09/2011", "1", "3B"),
)


@dataclass(frozen=True)
class DemoSeed:
    uai: str
    admin_email: str
    admin_password: str
    campaign_code: str
    certification: CertificationSession | None = None
    """The demo's certification session (number, access code, supervisor password)."""


def seed_demo(database_url: str, data_dir: Path) -> DemoSeed:
    password = ensure_random_secret(data_dir / "keys" / "demo-orga-admin.password")
    clock = lambda: datetime.now(UTC)  # noqa: E731
    engine = make_engine(database_url)
    try:
        with unit_of_work_factory(engine)() as uow:
            add_organization_admin(
                SCHOOL_UAI, DEMO_ADMIN_EMAIL, first_name="Camille", last_name="Admin",
                organization_name=SCHOOL_NAME, organizations=uow.organizations,
                users=uow.users, methods=uow.methods, memberships=uow.memberships,
                clock=clock, new_password=lambda: password)
            method = uow.methods.find_pix_by_email(DEMO_ADMIN_EMAIL)
            if method is None:
                raise LookupError("the demo administrator just added is not found")
            if not verify_password(password, method.password_hash):
                uow.methods.update(replace(method, password_hash=hash_password(password)))
            organization = uow.organizations.get_by_uai(SCHOOL_UAI)
            if organization is None:
                raise LookupError("the demo school just added is not found")
            if organization.id is None:
                raise NotStored(organization)
            campaign = next((c for c in uow.campaigns.list_for_organization(organization.id)
                             if c.name == DEMO_CAMPAIGN_NAME and not c.is_archived), None)
            if campaign is None:
                catalog = ContentCatalog(default_content())
                first = catalog.choices()[0]
                campaign = create_campaign(
                    method.user_id, SCHOOL_UAI, DEMO_CAMPAIGN_NAME, [first.key],
                    organizations=uow.organizations, memberships=uow.memberships,
                    campaigns=uow.campaigns, catalog=catalog, clock=clock)
            uow.commit()
        if organization.siecle_imported_at is None:
            _import_roster(SCHOOL_UAI, engine, clock)
        certification = _certification_session(engine, method.user_id, clock)
    finally:
        engine.dispose()
    return DemoSeed(SCHOOL_UAI, DEMO_ADMIN_EMAIL, password, campaign.code, certification)


def _certification_session(engine: Engine, admin_id: int, clock: Clock
                           ) -> CertificationSession:
    """The open demo session (created once), with Léa and Noé enrolled when still here."""
    with unit_of_work_factory(engine)() as uow:
        organization = uow.organizations.get_by_uai(SCHOOL_UAI)
        if organization is None:
            raise LookupError("the demo school is not found")
        if organization.id is None:
            raise NotStored(organization)
        session = next((s for s in uow.certification_sessions.list_for_organization(
            organization.id) if s.is_open and s.details.room == DEMO_CERTIFICATION_ROOM), None)
        if session is None:
            session = create_certification_session(
                admin_id, SCHOOL_UAI, SessionDetails(
                    clock().date(), "09:00", DEMO_CERTIFICATION_ROOM, "Collège Jules-Simon",
                    "Camille Admin"),
                organizations=uow.organizations, memberships=uow.memberships,
                sessions=uow.certification_sessions, clock=clock)
            if session.id is None:
                raise NotStored(session)
            learners = uow.enrollable_learners.of_organization(organization.id)
            picks = [CandidatePick(x.learner_id) for x in learners
                     if x.ine in DEMO_CANDIDATE_INES and x.is_active]
            enrol_candidates(admin_id, SCHOOL_UAI, session.id, picks,
                             organizations=uow.organizations, memberships=uow.memberships,
                             sessions=uow.certification_sessions,
                             candidates=uow.certification_candidates,
                             learners=uow.enrollable_learners)
        uow.commit()
    return session


def _import_roster(uai: str, engine: Engine, clock: Clock) -> None:
    """The roster as an administrator imports it: Pix Orga's CSV template, same use case."""
    import_siecle_roster(uai, io.BytesIO(siecle_csv(list(DEMO_ROSTER))), "eleves.csv",
                         uow=roster_unit_of_work_factory(engine)(),
                         read_roster=read_roster_file, clock=clock)
