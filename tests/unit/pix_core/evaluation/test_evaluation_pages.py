"""The profile and competence evaluation pages: start, reload, answer, feedback, end,
and refusals."""

import re

import pytest

from tests.unit.pix_core.accounts.test_account_pages import World
from tests.unit.pix_core.evaluation.test_positioning import CONTENT, right_answer, wrong_answer

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
CHALLENGE = re.compile(r'name="challenge_id" value="([^"]+)"')


@pytest.fixture
def world(clock):
    world = World(clock)
    world.log_in()
    return world


def start(world, code="1.1"):
    page = world.get(f"/competences/{code}/evaluation")
    assert page.status_code == 200
    assert "Commencer" in page.get_data(as_text=True)
    token = CSRF.search(page.get_data(as_text=True)).group(1)
    response = world.post(f"/competences/{code}/evaluation", data={"csrf_token": token})
    assert response.status_code == 303
    return response.location


def current(world, path):
    html = world.get(path).get_data(as_text=True)
    return CSRF.search(html).group(1), CHALLENGE.search(html).group(1), html


def answer(world, path, token, challenge_id, value):
    values = value.split(",") if "," in value else [value]
    return world.post(path, data={"csrf_token": token, "challenge_id": challenge_id,
                                  "answer": values})


def test_a_whole_evaluation_from_the_profile_to_the_level(world):
    assert "/competences/1.1/evaluation" in world.get("/profil").get_data(as_text=True)
    path = start(world)
    assert re.fullmatch(r"/evaluations/\d+", path)
    for _ in range(20):
        token, challenge_id, html = current(world, path)
        assert "Je valide" in html
        assert "<script" not in html
        assert "style=" not in html
        response = answer(world, path, token, challenge_id,
                          right_answer(CONTENT.challenges[challenge_id]))
        assert response.status_code == 303
        if response.location.endswith("/resultat"):
            break
        assert "Bonne réponse" in world.get(path).get_data(as_text=True)
    end = world.get(path + "/resultat").get_data(as_text=True)
    assert "Vous avez atteint le niveau 5 (40 pix)" in end
    profile = world.get("/profil").get_data(as_text=True)
    assert '<span class="score-value">40</span>' in profile
    assert "Niveau 5" in profile
    assert profile.count("Niveau 0") == 15
    assert world.get(path).location.endswith("/resultat")


def test_a_reload_keeps_the_current_challenge_and_resuming_finds_it(world):
    path = start(world, "4.2")
    first = current(world, path)[1]
    assert current(world, path)[1] == first
    assert world.get("/competences/4.2/evaluation").location == path
    assert "Reprendre" in world.get("/profil").get_data(as_text=True)


def test_answering_twice_or_another_challenge_is_refused(world):
    path = start(world)
    token, challenge_id, _ = current(world, path)
    wrong = wrong_answer(CONTENT.challenges[challenge_id])
    assert answer(world, path, token, challenge_id, wrong).status_code == 303
    assert "Ce n'était pas la bonne réponse" in world.get(path).get_data(as_text=True)
    again = answer(world, path, token, challenge_id, wrong)
    assert again.status_code == 409
    assert "Réponse déjà enregistrée" in again.get_data(as_text=True)
    other = answer(world, path, token, "securite-inexistant", "1")
    assert other.status_code == 409


def test_the_page_never_holds_the_solution_and_the_server_checks(world):
    path = start(world)
    token, challenge_id, html = current(world, path)
    challenge = CONTENT.challenges[challenge_id]
    for accepted in challenge.accepted:
        assert f'value="{accepted}"' not in html
    assert "solution" not in html
    assert "correct" not in html
    empty = answer(world, path, token, challenge_id, "")
    assert empty.location.endswith("?vide=1")  # nothing recorded
    assert world.uow.answers.rows == []
    answer(world, path, token, challenge_id, wrong_answer(challenge))
    [stored] = world.uow.answers.rows
    assert stored.correct is False


def test_another_pupils_assessment_is_not_found(world, clock):
    path = start(world)
    intruder = World(clock)
    intruder.uow = world.uow
    intruder.web.unit_of_work = lambda: world.uow
    intruder.rp.identity = type(world.rp.identity)("other-sub", "Léo", "Martin")
    intruder.log_in()
    assert intruder.get(path).status_code == 404
    assert intruder.get(path + "/resultat").status_code == 404
    html = intruder.get("/profil").get_data(as_text=True)
    token = CSRF.search(html).group(1)
    challenge_id = world.uow.assessments.rows[1].current_challenge_id
    assert answer(intruder, path, token, challenge_id, "1").status_code == 404
    assert world.uow.answers.rows == []


def test_login_and_csrf_are_required(world, clock):
    anonymous = World(clock)
    assert anonymous.get("/competences/1.1/evaluation").status_code == 303
    path = start(world)
    _, challenge_id, _ = current(world, path)
    refused = answer(world, path, "wrong", challenge_id, "1")
    assert refused.status_code == 403
    assert world.uow.answers.rows == []
    assert world.get("/competences/9.9/evaluation").status_code == 404


def test_profile_requires_login(clock):
    response = World(clock).get("/profil")
    assert response.status_code == 303
    assert response.location == "/"
