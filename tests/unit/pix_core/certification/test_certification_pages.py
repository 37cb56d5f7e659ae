"""Certification pages over in-memory fakes: rate limits on every guessable code, the
supervisor's short-lived room session, the time limit and resuming, the CSV of candidates.
The attack suites (tests/unit/pix_core/security) also walk every certification route."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest

from pix_core.certification.adapters.http.supervisor_pages import SUPERVISOR_COOKIE
from pix_core.certification.domain.candidates import (
    Candidate,
    CandidateStatus,
    EnrollableLearner,
)
from pix_core.certification.domain.sessions import (
    CertificationSession,
    SessionDetails,
    SessionStatus,
)
from pix_core.evaluation.adapters.content_bank import default_content
from tests.support.certification import make_eligible, right_answer
from tests.unit.pix_core.accounts.fakes import NOW
from tests.unit.pix_core.orga.fakes import UAI
from tests.unit.pix_core.security.conftest import SecureWorld

CONTENT = default_content()
BIRTH = date(2011, 3, 14)
IDENTITY = {"nom": "Lefèvre", "prenom": "Léa", "jour": "14", "mois": "03", "annee": "2011"}


@pytest.fixture
def world(clock) -> SecureWorld:
    return SecureWorld(clock)


def open_session(world: SecureWorld, extra: int = 0):
    """A session of the school with Léa enrolled; Léa's account, eligible."""
    session = world.uow.certification_sessions.add(CertificationSession(
        None, world.school.id, SessionDetails(date(2026, 6, 2), "09:00", "12", "rue", "X"),
        "BCDF23", "K7M2Q", SessionStatus.CREATED, world.admin.id, NOW))
    learner = world.uow.learners.put(world.school.id, "070801234AB", "Léa", "Lefèvre", BIRTH)
    candidate = world.uow.certification_candidates.add(Candidate(
        None, session.id, learner.id, "Lefèvre", "Léa", BIRTH, "3A", extra))
    pupil = world.uow.pupil(first="Léa", last="Lefèvre")
    make_eligible(world.uow, CONTENT, pupil.id, NOW)
    return session, candidate, pupil


def supervise(world: SecureWorld, number: int, password: str):
    token = world.csrf("/surveillance")
    return world.post("/surveillance", data={"csrf_token": token, "numero": str(number),
                                              "mot_de_passe": password})


def test_guessing_access_codes_is_slowed_down(world):
    _, _, pupil = open_session(world)
    world.log_in_as(pupil)
    statuses = [world.post("/certification", data={"csrf_token": "tok", "code": f"BCDG{n}",
                                                   **IDENTITY}).status_code
                for n in range(22, 33)]
    assert statuses == [403] * 10 + [429]
    right = world.post("/certification", data={"csrf_token": "tok", "code": "BCDF23",
                                               **IDENTITY})
    assert right.status_code == 429  # even the right code, until the window has passed


def test_guessing_verification_codes_is_slowed_down(world):
    statuses = {world.get("/verification-certificat",
                          query_string={"code": f"P-AAAAAA{n:02d}"}).status_code
                for n in range(30)}
    assert statuses == {404}
    assert world.get("/verification-certificat",
                     query_string={"code": "P-AAAAAAAA"}).status_code == 429


def test_guessing_the_supervisor_password_is_slowed_down(world):
    session, _, _ = open_session(world)
    assert {supervise(world, session.id, "AAAAA").status_code for _ in range(10)} == {403}
    assert supervise(world, session.id, "K7M2Q").status_code == 429


def test_the_supervisor_room_session_is_short_lived_and_for_one_session(world, clock):
    session, candidate, _ = open_session(world)
    room = supervise(world, session.id, "k7m2q")
    assert room.status_code == 303
    assert room.location == f"/surveillance/{session.id}"
    assert world.client.get_cookie(SUPERVISOR_COOKIE, domain="localhost") is not None
    assert world.cookie() != world.client.get_cookie(SUPERVISOR_COOKIE,
                                                     domain="localhost").value
    page = world.get(f"/surveillance/{session.id}")
    assert page.status_code == 200
    assert page.headers["Refresh"] == "10"
    assert world.get(f"/surveillance/{session.id + 1}").location == "/surveillance"
    clock.advance(hours=4, seconds=1)
    assert world.get(f"/surveillance/{session.id}").location == "/surveillance"


def _started(world, clock, extra):
    session, candidate, pupil = open_session(world, extra)
    world.log_in_as(pupil)
    world.post("/certification", data={"csrf_token": "tok", "code": "BCDF23", **IDENTITY})
    supervise(world, session.id, "K7M2Q")
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      world.get(f"/surveillance/{session.id}").get_data(as_text=True)).group(1)
    world.post(f"/surveillance/{session.id}/candidats/{candidate.id}/autoriser",
               data={"csrf_token": token})
    assert world.uow.certification_candidates.get(candidate.id).status is (
        CandidateStatus.AUTHORISED)
    world.post(f"/certification/{candidate.id}/commencer", data={"csrf_token": "tok"})
    return candidate


def _shown(world, candidate) -> tuple[str, str]:
    page = world.get(f"/certification/{candidate.id}/epreuve").get_data(as_text=True)
    challenge_id = re.search(r'name="challenge_id" value="([^"]+)"', page).group(1)
    return challenge_id, page


def test_a_reload_shows_the_same_challenge_with_the_time_already_spent(world, clock):
    candidate = _started(world, clock, extra=50)
    first, page = _shown(world, candidate)
    assert "180 secondes" in page
    clock.advance(seconds=100)
    again, page = _shown(world, candidate)
    assert again == first
    assert "80 secondes" in page
    old = {"csrf_token": "tok", "challenge_id": "not-the-current-one", "answer": "1"}
    world.post(f"/certification/{candidate.id}/epreuve", data=old)
    assert _shown(world, candidate)[0] == first  # an old form does not skip ahead


def test_an_answer_after_the_extended_time_counts_as_wrong(world, clock):
    candidate = _started(world, clock, extra=50)
    first, _ = _shown(world, candidate)
    clock.advance(seconds=184)  # 180 s + the network's 5 s: still in time
    world.post(f"/certification/{candidate.id}/epreuve", data={
        "csrf_token": "tok", "challenge_id": first, "answer": right_answer(CONTENT, first)})
    second, _ = _shown(world, candidate)
    clock.advance(seconds=186)
    world.post(f"/certification/{candidate.id}/epreuve", data={
        "csrf_token": "tok", "challenge_id": second, "answer": right_answer(CONTENT, second)})
    answers = world.uow.certification_answers.list_for_candidate(candidate.id)
    assert [(a.correct, a.timed_out) for a in answers] == [(True, False), (False, True)]


def test_a_csv_of_candidates_enrols_the_learners_it_names(world):
    session, _, _ = open_session(world)
    noe = world.uow.learners.put(world.school.id, "070801239FG", "Noé", "Garçon",
                                 date(2011, 11, 11), "3B")
    world.uow.enrollable_learners.rows = [
        (world.school.id, _enrollable(x)) for x in world.uow.learners.rows.values()]
    world.log_in_as(world.admin)
    csv = "Nom;Prénom;Date de naissance;Temps majoré\r\ngarcon;noe;11/11/2011;33 %\r\n"
    page = world.post(f"/orga/{UAI}/certification/sessions/{session.id}/candidats-csv", data={
        "csrf_token": "tok", "fichier": (io.BytesIO(("\ufeff" + csv).encode()), "c.csv")})
    assert page.status_code == 303
    added = [c for c in world.uow.certification_candidates.list_for_session(session.id)
             if c.learner_id == noe.id]
    assert [(c.first_name, c.extra_time_percent) for c in added] == [("Noé", 33)]
    bad = csv.replace("11/11/2011", "12/11/2011")
    refused = world.post(f"/orga/{UAI}/certification/sessions/{session.id}/candidats-csv",
                         data={"csrf_token": "tok",
                               "fichier": (io.BytesIO(bad.encode()), "c.csv")})
    assert refused.status_code == 400
    assert "Liste de candidats refusée" in refused.get_data(as_text=True)


def _enrollable(learner):
    return EnrollableLearner(learner.id, learner.ine, learner.last_name, learner.first_name,
                             learner.birthdate, learner.division, learner.is_active)
