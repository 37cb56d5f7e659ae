"""Certification repositories and use cases on SQLite and PostgreSQL: a session from its
creation to a verified certificate, in separate units of work (as separate requests)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from kernel.sql.engine import make_engine
from pix_core.accounts.domain.users import AuthenticationMethod, SchoolContext, User
from pix_core.certification.domain.candidate_list import CandidatePick
from pix_core.certification.domain.candidates import CandidateStatus
from pix_core.certification.domain.errors import (
    CandidateRefused,
    CodeTaken,
    LearnerCannotEnrol,
    NotEligible,
    SittingNotAllowed,
)
from pix_core.certification.domain.sessions import SessionDetails, SessionStatus
from pix_core.certification.usecases.answer_certification_challenge import (
    answer_certification_challenge,
)
from pix_core.certification.usecases.authorise_candidate import authorise_candidate
from pix_core.certification.usecases.create_certification_session import (
    create_certification_session,
)
from pix_core.certification.usecases.enrol_candidates import enrol_candidates
from pix_core.certification.usecases.finalise_certification_session import (
    finalise_certification_session,
)
from pix_core.certification.usecases.join_certification_session import (
    Identity,
    join_certification_session,
)
from pix_core.certification.usecases.process_certification_session import (
    process_certification_session,
)
from pix_core.certification.usecases.publish_certification_session import (
    publish_certification_session,
)
from pix_core.certification.usecases.start_certification_test import start_certification_test
from pix_core.certification.usecases.verify_certificate import verify_certificate
from pix_core.database.migrate import upgrade
from pix_core.database.schema import METADATA
from pix_core.database.unit_of_work import unit_of_work_factory
from pix_core.evaluation.adapters.content_bank import default_content
from pix_core.orga.domain.memberships import Membership, Role
from roster.reading import read_roster_file
from roster.reading.synthetic import SyntheticPupil, siecle_csv
from roster.sql.repositories import roster_unit_of_work_factory
from roster.usecases.import_siecle_roster import import_siecle_roster
from tests.support.certification import make_eligible, right_answer

UAI = "0561641E"
NOW = datetime(2026, 6, 2, 8, 0, tzinfo=UTC)
CONTENT = default_content()
PUPILS = [
    SyntheticPupil("1", "070801234AB", "Lefèvre", "Léa", "14/03/2011", "2", "3A"),
    SyntheticPupil("2", "070801239FG", "Garçon", "Noé", "11/11/2011", "1", "3B"),
]
DETAILS = SessionDetails(date(2026, 6, 2), "09:00", "Salle 12", "1 rue de l'École",
                         "Mme Examinatrice")


@pytest.fixture
def engine(database_url):
    upgrade(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def test_the_schema_matches_the_models(engine):
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), METADATA)
    assert diff == []


def _school(engine):
    import_siecle_roster(UAI, io.BytesIO(siecle_csv(PUPILS)), "eleves.csv",
                         uow=roster_unit_of_work_factory(engine)(),
                         read_roster=read_roster_file, clock=lambda: NOW,
                         create_organization=True)
    with unit_of_work_factory(engine)() as uow:
        organization = uow.organizations.get_by_uai(UAI)
        teacher = uow.users.add(User.new("Paule", "Prof", NOW, email="prof@exemple.fr"))
        uow.memberships.add(Membership(None, teacher.id, organization.id, Role.MEMBER, NOW))
        pupils = []
        for last, first in (("Lefèvre", "Léa"), ("Garçon", "Noé")):
            user = uow.users.add(User.new(first, last, NOW))
            uow.methods.add(AuthenticationMethod.for_gar(
                user.id, f"sub-{first}", SchoolContext(uai=(UAI,)), NOW))
            pupils.append(user.id)
        make_eligible(uow, CONTENT, pupils[0], NOW)
        uow.commit()
    return teacher.id, pupils


def _repos(uow):
    return {"organizations": uow.organizations, "memberships": uow.memberships,
            "sessions": uow.certification_sessions}


def test_a_session_from_creation_to_a_verified_certificate(engine):
    teacher, (lea, noe) = _school(engine)
    factory = unit_of_work_factory(engine)
    clock = lambda: NOW  # noqa: E731
    with factory() as uow:
        session = create_certification_session(teacher, UAI, DETAILS, **_repos(uow),
                                               clock=clock)
        learners = uow.enrollable_learners.of_organization(session.organization_id)
        added = enrol_candidates(
            teacher, UAI, session.id, [CandidatePick(x.learner_id, 50) for x in learners],
            **_repos(uow), candidates=uow.certification_candidates,
            learners=uow.enrollable_learners)
        uow.commit()
    assert added == 2
    with factory() as uow, pytest.raises(CodeTaken):
        uow.certification_sessions.add(session)

    def join(user_id, first, last, born, code=session.access_code):
        with factory() as uow:
            joined = join_certification_session(
                user_id, Identity(code, last, first, born),
                sessions=uow.certification_sessions, candidates=uow.certification_candidates,
                methods=uow.methods, learners=uow.learners,
                knowledge_elements=uow.knowledge_elements, content=CONTENT,
                max_open_level=5)
            uow.commit()
        return joined

    with pytest.raises(CandidateRefused):
        join(lea, "Léa", "Lefèvre", date(2011, 3, 15))
    with pytest.raises(CandidateRefused):
        join(lea, "Léa", "Lefèvre", date(2011, 3, 14), code="BBBB22")
    with pytest.raises(NotEligible):
        join(noe, "Noé", "Garçon", date(2011, 11, 11))
    candidate = join(lea, " lea ", "LEFEVRE", date(2011, 3, 14))  # the roster's normalisation
    assert candidate.status is CandidateStatus.WAITING
    assert candidate.extra_time_percent == 50

    with factory() as uow:
        with pytest.raises(SittingNotAllowed):
            start_certification_test(
                lea, candidate.id, candidates=uow.certification_candidates,
                sessions=uow.certification_sessions,
                knowledge_elements=uow.knowledge_elements, answers=uow.answers,
                content=CONTENT, max_open_level=5, clock=clock)
        authorise_candidate(session.id, candidate.id, sessions=uow.certification_sessions,
                            candidates=uow.certification_candidates)
        started = start_certification_test(
            lea, candidate.id, candidates=uow.certification_candidates,
            sessions=uow.certification_sessions, knowledge_elements=uow.knowledge_elements,
            answers=uow.answers, content=CONTENT, max_open_level=5, clock=clock)
        uow.commit()
    assert len(started.challenges) == 15
    assert set(started.positioned) == {c.competence_code for c in started.challenges}

    for index in range(len(started.challenges)):
        with factory() as uow:
            now = uow.certification_candidates.get(candidate.id)
            current = now.current
            late = index == 0  # the first one answered after its (extended) time
            at = now.current_shown_at + timedelta(minutes=10 if late else 1)
            answer_certification_challenge(
                lea, candidate.id, current.challenge_id,
                right_answer(CONTENT, current.challenge_id),
                candidates=uow.certification_candidates, sessions=uow.certification_sessions,
                answers=uow.certification_answers, content=CONTENT, clock=lambda at=at: at)
            uow.commit()

    with factory() as uow:
        done = uow.certification_candidates.get(candidate.id)
        assert done.status is CandidateStatus.COMPLETED
        given = uow.certification_answers.list_for_candidate(candidate.id)
        assert [a.timed_out for a in given] == [True] + [False] * 14
        assert [a.correct for a in given] == [False] + [True] * 14
        finalise_certification_session(teacher, UAI, session.id, "RAS", {candidate.id: "ok"},
                                       **_repos(uow), candidates=uow.certification_candidates,
                                       clock=clock)
        process_certification_session(
            teacher, UAI, session.id, **_repos(uow), candidates=uow.certification_candidates,
            answers=uow.certification_answers, certificates=uow.certificates, clock=clock)
        certificate = uow.certificates.for_candidate(candidate.id)
        assert uow.certificates.published_by_code(certificate.verification_code) is None
        published = publish_certification_session(teacher, UAI, session.id, **_repos(uow),
                                                   clock=clock)
        uow.commit()
    assert published.status is SessionStatus.PUBLISHED
    assert certificate.is_certified
    assert (certificate.correct, certificate.asked) == (14, 15)
    with factory() as uow:
        shown = verify_certificate(certificate.verification_code.lower(),
                                   certificates=uow.certificates)
        noe_candidate = next(c for c in uow.certification_candidates.list_for_session(
            session.id) if c.first_name == "Noé")
    assert shown.first_name == "Léa"
    assert shown.certificate.total == certificate.total > 0
    assert noe_candidate.status is CandidateStatus.ENROLLED  # never came: no certificate


def test_a_learner_who_left_cannot_be_enrolled(engine):
    teacher, _ = _school(engine)
    factory = unit_of_work_factory(engine)
    import_siecle_roster(UAI, io.BytesIO(siecle_csv(PUPILS[:1])), "eleves.csv",
                         uow=roster_unit_of_work_factory(engine)(),
                         read_roster=read_roster_file, clock=lambda: NOW)
    with factory() as uow:
        session = create_certification_session(teacher, UAI, DETAILS, **_repos(uow),
                                               clock=lambda: NOW)
        learners = uow.enrollable_learners.of_organization(session.organization_id)
        gone = next(x for x in learners if not x.is_active)
        with pytest.raises(LearnerCannotEnrol):
            enrol_candidates(teacher, UAI, session.id,
                             [CandidatePick(x.learner_id) for x in learners], **_repos(uow),
                             candidates=uow.certification_candidates,
                             learners=uow.enrollable_learners)
        assert uow.certification_candidates.list_for_session(session.id) == []
        assert gone.first_name == "Noé"
