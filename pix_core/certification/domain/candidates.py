"""Candidates of a session and their test (Pix's certification course).

A candidate is enrolled from a learner of the organisation (names and birth date copied,
extra time %). The pupil who proves to be that candidate (access code, names, birth date)
is tied to it and waits; the supervisor authorises the start; the challenges are chosen
when the test starts; ``current_index`` and ``current_shown_at`` keep the challenge in
progress in the database (a reload finds the same one, with the time already spent).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from kernel.stored import NotStored
from pix_core.certification.domain.errors import SittingNotAllowed
from pix_core.certification.domain.scoring import Positioned
from pix_core.certification.domain.selection import SelectedChallenge
from pix_core.certification.domain.timing import time_limit
from roster.domain.matching import RosterEntry

MAX_NOTE = 1000


class CandidateStatus(StrEnum):
    ENROLLED = "enrolled"      # on the list, nobody came yet
    WAITING = "waiting"        # the pupil is here, eligible, waiting for the supervisor
    AUTHORISED = "authorised"  # may start
    STARTED = "started"
    COMPLETED = "completed"    # every challenge answered
    ENDED = "ended"            # ended by the supervisor (with a reason)


STATUS_LABELS = {
    CandidateStatus.ENROLLED: "Inscrit",
    CandidateStatus.WAITING: "En attente d'autorisation",
    CandidateStatus.AUTHORISED: "Autorisé à commencer",
    CandidateStatus.STARTED: "En cours",
    CandidateStatus.COMPLETED: "Terminé",
    CandidateStatus.ENDED: "Test arrêté par le surveillant",
}
FINISHED = frozenset({CandidateStatus.COMPLETED, CandidateStatus.ENDED})


@dataclass(frozen=True)
class Candidate:
    id: int | None
    session_id: int
    learner_id: int
    last_name: str
    first_name: str
    birthdate: date
    division: str | None
    extra_time_percent: int = 0
    user_id: int | None = None
    status: CandidateStatus = CandidateStatus.ENROLLED
    positioned: dict[str, Positioned] | None = None
    challenges: tuple[SelectedChallenge, ...] = ()
    current_index: int = 0
    current_shown_at: datetime | None = None
    end_reason: str | None = None
    incident_note: str | None = None

    def __repr__(self) -> str:  # names and birth date are personal data
        return f"Candidate(id={self.id}, status={self.status.value})"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    def roster_entry(self) -> RosterEntry:
        """For matching what a pupil types, with the roster's normalisation."""
        if self.id is None:
            raise NotStored(self)
        return RosterEntry(self.id, "", (self.first_name,), (self.last_name,), self.birthdate,
                           self.division)

    def joined_by(self, user_id: int) -> Candidate:
        """The pupil is here: waits for the supervisor (a second visit changes nothing)."""
        if self.user_id is not None and self.user_id != user_id:
            raise SittingNotAllowed("candidate_taken")
        if self.status is CandidateStatus.ENROLLED:
            return replace(self, user_id=user_id, status=CandidateStatus.WAITING)
        return self

    def authorised(self) -> Candidate:
        if self.status is not CandidateStatus.WAITING:
            raise SittingNotAllowed("not_waiting")
        return replace(self, status=CandidateStatus.AUTHORISED)

    def started(self, positioned: dict[str, Positioned],
                challenges: tuple[SelectedChallenge, ...], now: datetime) -> Candidate:
        if self.status is not CandidateStatus.AUTHORISED:
            raise SittingNotAllowed("not_authorised")
        return replace(self, status=CandidateStatus.STARTED, positioned=positioned,
                       challenges=challenges, current_index=0, current_shown_at=now)

    @property
    def current(self) -> SelectedChallenge | None:
        if self.status is not CandidateStatus.STARTED:
            return None
        return self.challenges[self.current_index]

    def moved_on(self, now: datetime) -> Candidate:
        """After an answer: the next challenge (its clock starts now), or completed."""
        following = self.current_index + 1
        if following >= len(self.challenges):
            return replace(self, status=CandidateStatus.COMPLETED, current_index=following,
                           current_shown_at=None)
        return replace(self, current_index=following, current_shown_at=now)

    def ended(self, reason: str) -> Candidate:
        """The supervisor ends the test (or the wait): a reason is required."""
        reason = " ".join(reason.split())[:MAX_NOTE]
        if not reason:
            raise SittingNotAllowed("reason_missing")
        if self.is_finished or self.status is CandidateStatus.ENROLLED:
            raise SittingNotAllowed("not_in_progress")
        return replace(self, status=CandidateStatus.ENDED, end_reason=reason,
                       current_shown_at=None)

    def with_incident(self, note: str) -> Candidate:
        return replace(self, incident_note=note.strip()[:MAX_NOTE] or None)

    @property
    def time_limit_seconds(self) -> int:
        return int(time_limit(self.extra_time_percent).total_seconds())


@dataclass(frozen=True)
class EnrollableLearner:
    """A learner of the organisation as enrolment needs it."""

    learner_id: int
    ine: str
    last_name: str
    first_name: str
    birthdate: date
    division: str | None
    is_active: bool

    def __repr__(self) -> str:
        return f"EnrollableLearner(id={self.learner_id})"


@dataclass(frozen=True)
class CertificationAnswer:
    candidate_id: int
    challenge_id: str
    competence_code: str
    value: str
    correct: bool
    timed_out: bool
    created_at: datetime


class CandidateRepository(Protocol):
    def add(self, candidate: Candidate) -> Candidate:
        """Raises ``LearnerCannotEnrol`` when the learner is already a candidate."""
        ...

    def get(self, candidate_id: int) -> Candidate | None: ...

    def list_for_session(self, session_id: int) -> list[Candidate]:
        """Ordered by class, then names."""
        ...

    def find_for_user(self, session_id: int, user_id: int) -> Candidate | None: ...

    def list_for_user(self, user_id: int) -> list[Candidate]: ...

    def update(self, candidate: Candidate) -> None: ...


class EnrollableLearners(Protocol):
    def of_organization(self, organization_id: int) -> list[EnrollableLearner]:
        """Every learner, active or not, ordered by class and names."""
        ...


class CertificationAnswerRepository(Protocol):
    def add(self, answer: CertificationAnswer) -> None:
        """Raises ``SittingNotAllowed`` when that challenge already has an answer."""
        ...

    def list_for_candidate(self, candidate_id: int) -> list[CertificationAnswer]: ...
