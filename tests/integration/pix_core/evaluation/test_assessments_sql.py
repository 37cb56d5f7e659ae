"""Assessment, answer and knowledge element repositories on SQLite and PostgreSQL."""

import random
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from kernel.sql.engine import make_engine
from pix_core.accounts.domain.users import User
from pix_core.database.migrate import upgrade
from pix_core.database.schema import METADATA
from pix_core.database.unit_of_work import unit_of_work_factory
from pix_core.evaluation.adapters.content_bank import default_content
from pix_core.evaluation.domain.assessments import AssessmentState
from pix_core.evaluation.domain.errors import AnswerAlreadyGiven
from pix_core.evaluation.usecases.answer_challenge import answer_challenge
from pix_core.evaluation.usecases.compute_profile import compute_profile
from pix_core.evaluation.usecases.show_current_challenge import show_current_challenge
from pix_core.evaluation.usecases.start_competence_evaluation import start_competence_evaluation

NOW = datetime(2025, 1, 28, 9, 0, tzinfo=UTC)
CONTENT = default_content()


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


def test_an_evaluation_survives_a_new_unit_of_work_and_refuses_a_second_answer(engine):
    factory = unit_of_work_factory(engine)
    with factory() as uow:
        user = uow.users.add(User.new("Flora", "Dupont", NOW))
        assessment = start_competence_evaluation(
            uow, CONTENT, lambda: NOW, random.Random(1), user_id=user.id,
            competence_code="1.1", max_open_level=5)
        uow.commit()
    with factory() as uow:  # another request, another worker: same challenge
        current = show_current_challenge(uow, CONTENT, assessment_id=assessment.id,
                                         user_id=user.id)
        assert current.challenge.id == assessment.current_challenge_id
        assert current.assessment.target_skill_ids == assessment.target_skill_ids
        challenge = current.challenge
        answer = ",".join(map(str, challenge.solution)) or challenge.accepted[0]
        outcome = answer_challenge(uow, CONTENT, lambda: NOW, random.Random(1),
                                   assessment_id=assessment.id, user_id=user.id,
                                   challenge_id=challenge.id, answer=answer)
        uow.commit()
    assert outcome.correct
    assert outcome.assessment.state is AssessmentState.STARTED
    with factory() as uow:
        with pytest.raises(AnswerAlreadyGiven):
            uow.answers.add(uow.answers.list_for_assessment(assessment.id)[0])
        elements = uow.knowledge_elements.list_for_user(user.id)
        assert {e.skill_id for e in elements} >= {challenge.skill_id}
        assert all(e.earned_pix > 0 for e in elements)
        assert uow.answers.challenge_ids_for_user(user.id) == {challenge.id}
        scores = compute_profile(uow.knowledge_elements, CONTENT, user_id=user.id,
                                 max_open_level=5)
        assert scores.total == scores.competences["1.1"].pix > 0
        [stored] = uow.assessments.list_for_user(user.id)
        assert stored.current_challenge_id == outcome.assessment.current_challenge_id
        assert stored.created_at == NOW
        assert stored.campaign_participation_id is None
