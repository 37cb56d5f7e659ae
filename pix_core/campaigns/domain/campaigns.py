"""Pix Orga campaigns ("parcours"): codes, target profiles, participations and results.

A member of an organisation creates a campaign for a target profile (a set of skills,
chosen as competences or tubes of the framework) and gets a code of 6 upper-case letters
and 3 digits. A pupil joins with the code: one participation per pupil and campaign,
started → to share (the assessment is done) → shared (the organisation sees the results).
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from pix_core.domain.errors import PixError
from roster.domain.learners import Organization

CODE_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
CODE_DIGITS = "0123456789"
_CODE = re.compile(r"^[A-Z]{6}[0-9]{3}$")
MAX_CODE_ATTEMPTS = 20
NO_CLASS = "Sans classe"


def generate_code(choice: Callable[[str], str] = secrets.choice) -> str:
    """6 upper-case letters + 3 digits from ``secrets`` (26^6 × 10^3 ≈ 3.1e11 codes)."""
    return "".join(choice(CODE_LETTERS) for _ in range(6)) + "".join(
        choice(CODE_DIGITS) for _ in range(3))


def normalize_code(code: str) -> str:
    return "".join(code.split()).upper()


def is_valid_code(code: str) -> bool:
    return bool(_CODE.match(code))


class CampaignNotFound(PixError):
    kind = "campaign_not_found"


class CampaignArchived(PixError):
    kind = "campaign_archived"


class CodeSpaceExhausted(PixError):
    """Could not find a free code: should never happen (a broken random source)."""

    kind = "campaign_code_exhausted"


class InvalidCampaign(PixError):
    """A name or a target profile is missing."""

    kind = "invalid_campaign"


class ParticipationNotFound(PixError):
    kind = "participation_not_found"


class NotReadyToShare(PixError):
    """Sharing before the assessment is done (or twice)."""

    kind = "not_ready_to_share"


@dataclass(frozen=True)
class TargetChoice:
    """One pick of the campaign form: a whole competence or a tube, and the skills it holds.

    ``label`` names it in a campaign's target description (``1.1 · Recherche``); ``name``
    is its line in the form, under its competence (``Recherche``; the label when empty).
    """

    kind: str  # "competence" | "tube"
    id: str
    label: str
    skill_ids: tuple[str, ...]
    name: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class TargetCompetence:
    """A competence of the form: the whole of it, or some of its tubes."""

    whole: TargetChoice
    tubes: tuple[TargetChoice, ...]


@dataclass(frozen=True)
class TargetArea:
    """An area of the framework and its competences that have content, in form order."""

    code: str
    name: str
    competences: tuple[TargetCompetence, ...]


def choices_of(areas: Iterable[TargetArea]) -> list[TargetChoice]:
    """Every pick, area by area: each competence, then its tubes."""
    return [choice for area in areas for competence in area.competences
            for choice in (competence.whole, *competence.tubes)]


@dataclass(frozen=True)
class TargetProfile:
    skill_ids: tuple[str, ...]
    description: str

    @classmethod
    def of(cls, choices: Sequence[TargetChoice]) -> TargetProfile:
        """The skills of every choice; a tube inside a whole competence chosen too adds
        nothing, so the description names the competence alone."""
        skills = tuple(dict.fromkeys(s for choice in choices for s in choice.skill_ids))
        if not skills:
            raise InvalidCampaign("empty_target_profile")
        wholes = [set(c.skill_ids) for c in choices if c.kind == "competence"]
        named = [c for c in choices
                 if c.kind == "competence" or not any(set(c.skill_ids) <= w for w in wholes)]
        return cls(skills, " ; ".join(choice.label for choice in named))


class TargetCatalog(Protocol):
    """What the campaign form may target (built from the content bank)."""

    def areas(self) -> list[TargetArea]:
        """The picks grouped area → competence → tubes, as the form shows them."""
        ...

    def choices(self) -> list[TargetChoice]:
        """The same picks in one list (``choices_of(areas())``)."""
        ...


@dataclass(frozen=True)
class Campaign:
    id: int | None
    organization_id: int
    code: str
    name: str
    target_skill_ids: tuple[str, ...]
    target_description: str
    created_by: int | None
    created_at: datetime
    archived_at: datetime | None = None

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def archived(self, now: datetime) -> Campaign:
        return self if self.is_archived else replace(self, archived_at=now)


class ParticipationStatus(StrEnum):
    STARTED = "STARTED"
    TO_SHARE = "TO_SHARE"
    SHARED = "SHARED"

    @property
    def label(self) -> str:
        return {"STARTED": "En cours", "TO_SHARE": "En attente d'envoi",
                "SHARED": "Résultats reçus"}[self.value]


@dataclass(frozen=True)
class CampaignParticipation:
    """``pix_score`` and ``validated_skill_count`` are taken when the pupil shares."""

    id: int | None
    campaign_id: int
    user_id: int
    organization_learner_id: int | None
    status: ParticipationStatus
    created_at: datetime
    assessment_id: int | None = None
    shared_at: datetime | None = None
    pix_score: int | None = None
    validated_skill_count: int | None = None

    @classmethod
    def start(cls, campaign: Campaign, user_id: int, learner_id: int | None,
              now: datetime) -> CampaignParticipation:
        assert campaign.id is not None
        return cls(None, campaign.id, user_id, learner_id, ParticipationStatus.STARTED, now)

    def with_assessment(self, assessment_id: int) -> CampaignParticipation:
        return replace(self, assessment_id=assessment_id)

    def completed(self) -> CampaignParticipation:
        """The assessment is done: the pupil may now share (no change once past STARTED)."""
        if self.status is not ParticipationStatus.STARTED:
            return self
        return replace(self, status=ParticipationStatus.TO_SHARE)

    def shared(self, now: datetime, pix_score: int,
               validated_skill_count: int) -> CampaignParticipation:
        if self.status is not ParticipationStatus.TO_SHARE:
            raise NotReadyToShare(f"status_{self.status.value.lower()}")
        return replace(self, status=ParticipationStatus.SHARED, shared_at=now,
                       pix_score=pix_score, validated_skill_count=validated_skill_count)


def mastery_rate(validated_skill_ids: Iterable[str], target_skill_ids: Iterable[str]) -> float:
    """Validated skills of the target / skills of the target (0.0 for an empty target)."""
    target = set(target_skill_ids)
    if not target:
        return 0.0
    return len(target & set(validated_skill_ids)) / len(target)


@dataclass(frozen=True)
class AssessmentResult:
    pix_score: int
    validated_skill_ids: frozenset[str]


class CampaignAssessments(Protocol):
    """The link to the positioning engine (one small adapter over its use cases)."""

    def start(self, user_id: int, target_skill_ids: Sequence[str],
              campaign_participation_id: int) -> int:
        """Start an assessment of the target skills; return its id."""
        ...

    def is_completed(self, assessment_id: int) -> bool: ...

    def result(self, user_id: int, assessment_id: int) -> AssessmentResult:
        """The user's pix score and validated skills after that assessment."""
        ...

    def path(self, assessment_id: int) -> str:
        """Where the pupil answers the assessment's challenges (``/evaluations/<id>``)."""
        ...


@dataclass(frozen=True)
class Participant:
    """One line of the dashboard: names from the roster when tied, else the account's."""

    participation: CampaignParticipation
    last_name: str
    first_name: str
    division: str | None

    @property
    def class_label(self) -> str:
        return self.division or NO_CLASS

    def __repr__(self) -> str:
        return f"Participant(id={self.participation.id!r})"


class CampaignRepository(Protocol):
    def add(self, campaign: Campaign) -> Campaign:
        """Raises ``CodeTaken`` when the code is already used (unique constraint)."""
        ...

    def code_exists(self, code: str) -> bool: ...

    def get_by_code(self, code: str) -> Campaign | None: ...

    def list_for_organization(self, organization_id: int) -> list[Campaign]: ...

    def update(self, campaign: Campaign) -> None: ...

    def organization_of(self, campaign: Campaign) -> Organization: ...


class CodeTaken(PixError):
    kind = "campaign_code_taken"


class AlreadyParticipating(PixError):
    """The unique (campaign, user) constraint refused a second participation."""

    kind = "already_participating"


class ParticipationRepository(Protocol):
    def find(self, campaign_id: int, user_id: int) -> CampaignParticipation | None: ...

    def add(self, participation: CampaignParticipation) -> CampaignParticipation:
        """Raises ``AlreadyParticipating`` when the pupil already has one."""
        ...

    def update(self, participation: CampaignParticipation) -> None: ...

    def participants(self, campaign_id: int) -> list[Participant]: ...

    def count_by_campaign(self, campaign_ids: Sequence[int]) -> dict[int, int]: ...


# --- the dashboard and its CSV export ---------------------------------------------------


@dataclass(frozen=True)
class DashboardLine:
    last_name: str
    first_name: str
    class_label: str
    status: ParticipationStatus
    pix_score: int | None         # None until shared
    mastery_rate: float | None    # None until shared
    shared_at: datetime | None

    def __repr__(self) -> str:
        return f"DashboardLine(status={self.status.value})"


@dataclass(frozen=True)
class ClassGroup:
    label: str
    lines: tuple[DashboardLine, ...]


def dashboard_lines(participants: Iterable[Participant], target_size: int) -> list[DashboardLine]:
    lines = []
    for p in participants:
        part = p.participation
        shared = part.status is ParticipationStatus.SHARED
        rate = None
        if shared:
            rate = (part.validated_skill_count or 0) / target_size if target_size else 0.0
        lines.append(DashboardLine(p.last_name, p.first_name, p.class_label, part.status,
                                   part.pix_score if shared else None, rate,
                                   part.shared_at if shared else None))
    return sorted(lines, key=lambda line: (line.class_label == NO_CLASS, line.class_label,
                                           line.last_name.lower(), line.first_name.lower()))


def group_by_class(lines: Iterable[DashboardLine]) -> list[ClassGroup]:
    groups: dict[str, list[DashboardLine]] = {}
    for line in lines:
        groups.setdefault(line.class_label, []).append(line)
    return [ClassGroup(label, tuple(found)) for label, found in groups.items()]


CSV_HEADERS = ("Nom", "Prénom", "Classe", "Statut", "Score pix", "Taux de maîtrise",
               "Date de partage")


def format_rate(rate: float | None) -> str:
    return "" if rate is None else f"{round(rate * 100)} %"


def campaign_csv(lines: Iterable[DashboardLine]) -> bytes:
    """UTF-8 with a BOM (spreadsheets read the accents), ``;`` separated, French headers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for line in lines:
        writer.writerow([
            _no_formula(line.last_name), _no_formula(line.first_name),
            _no_formula(line.class_label), line.status.label,
            "" if line.pix_score is None else line.pix_score,
            format_rate(line.mastery_rate),
            "" if line.shared_at is None else line.shared_at.strftime("%d/%m/%Y"),
        ])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _no_formula(value: str) -> str:
    """A cell starting like a formula is shown as text (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
