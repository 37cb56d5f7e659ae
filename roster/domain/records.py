"""From what a SIECLE file says (raw strings) to validated learners, with every issue found.

Readers (``roster.reading``) turn XML or CSV into a :class:`RosterFile`; the
rules here are the same for both formats, except which values each one requires.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from roster.domain.errors import ErrorCode, SiecleImportError, SiecleIssue, issue
from roster.domain.learners import DATA_FIELDS, LearnerData, normalize_uai
from roster.domain.matching import normalize_name

FRANCE_COUNTRY_CODES = frozenset({"100", "99100"})
SEXES = {"1": "M", "2": "F", "m": "M", "f": "F", "masculin": "M", "feminin": "F"}  # normalised
MAX_LENGTHS = {"ine": 32}
DEFAULT_MAX_LENGTH = 255
_DATE = re.compile(r"^([0-9]{2})/([0-9]{2})/([0-9]{4})$")
_SPECIFIC_MISSING = {"ine": ErrorCode.INE_MISSING, "birthdate": ErrorCode.BIRTHDATE_MISSING,
                     "sex": ErrorCode.SEX_MISSING}
FIELD_LABELS = {
    "ine": "identifiant national", "last_name": "nom de famille", "usage_name": "nom d'usage",
    "first_name": "premier prénom", "second_name": "deuxième prénom",
    "third_name": "troisième prénom", "birthdate": "date de naissance", "sex": "sexe",
    "birth_city_code": "code commune de naissance", "birth_city": "commune de naissance",
    "birth_department_code": "code département de naissance",
    "birth_country_code": "code pays de naissance", "mef_code": "code MEF",
    "status": "statut", "division": "division",
}


@dataclass(frozen=True, slots=True, repr=False)
class RawPupil:
    """One pupil as read: ``values`` follow ``DATA_FIELDS``; ``location`` says where."""

    location: str
    values: tuple[str, ...]

    def get(self, name: str) -> str:
        return self.values[DATA_FIELDS.index(name)]

    def __repr__(self) -> str:
        return f"RawPupil({self.location}, <redacted>)"


@dataclass(frozen=True)
class RosterFile:
    """A whole file, read but not yet validated; skipped pupils are only counted."""

    format: str  # "xml" | "csv"
    declared_uai: str | None
    pupils: list[RawPupil]
    required: frozenset[str]
    skipped: dict[str, int] = field(default_factory=dict)  # reason → count


def validate_roster(roster: RosterFile, uai: str) -> list[LearnerData]:
    """Every learner of ``roster``, or :class:`SiecleImportError` listing every issue."""
    if roster.declared_uai is not None and normalize_uai(roster.declared_uai) != uai:
        raise SiecleImportError.single(ErrorCode.UAI_MISMATCH,
                                       file_uai=normalize_uai(roster.declared_uai), uai=uai)
    issues: list[SiecleIssue] = []
    learners: list[LearnerData] = []
    for pupil in roster.pupils:
        learner, found = learner_data(pupil, roster.required)
        issues.extend(found)
        if learner is not None:
            learners.append(learner)
    issues.extend(_duplicates(roster.pupils))
    if issues:
        raise SiecleImportError(issues)
    if not learners:
        raise SiecleImportError.single(ErrorCode.NO_LEARNERS)
    return learners


def learner_data(pupil: RawPupil,
                 required: frozenset[str]) -> tuple[LearnerData | None, list[SiecleIssue]]:
    """Validate one pupil; ``(None, issues)`` when something is wrong."""
    where = pupil.location
    values = {name: pupil.get(name).strip() for name in DATA_FIELDS}
    issues = [_missing(name, where) for name in DATA_FIELDS
              if name in required and not values[name]]
    issues.extend(issue(ErrorCode.VALUE_TOO_LONG, where, field=FIELD_LABELS[name], limit=limit)
                  for name, value in values.items()
                  if len(value) > (limit := MAX_LENGTHS.get(name, DEFAULT_MAX_LENGTH)))
    birthdate = _birthdate(values["birthdate"], where, issues)
    sex = _sex(values["sex"], where, issues)
    if values["birth_country_code"] in FRANCE_COUNTRY_CODES and not values["birth_city_code"]:
        issues.append(issue(ErrorCode.BIRTH_CITY_CODE_MISSING, where))
    if issues or birthdate is None:  # a missing sex is an issue only where it is required
        return None, issues
    cleaned: dict[str, object] = {name: value or None for name, value in values.items()}
    cleaned.update(ine=values["ine"].upper(), birthdate=birthdate, sex=sex,
                   last_name=values["last_name"], first_name=values["first_name"],
                   division=values["division"])
    return LearnerData(**cleaned), []  # type: ignore[arg-type]


def _missing(name: str, where: str) -> SiecleIssue:
    code = _SPECIFIC_MISSING.get(name)
    if code is not None:
        return issue(code, where)
    return issue(ErrorCode.VALUE_MISSING, where, field=FIELD_LABELS[name])


def _birthdate(raw: str, where: str, issues: list[SiecleIssue]) -> date | None:
    if not raw:
        return None
    found = _DATE.match(raw)
    try:
        if found is None:
            raise ValueError(raw)
        day, month, year = (int(part) for part in found.groups())
        if year < 1900:
            raise ValueError(raw)
        return date(year, month, day)
    except ValueError:
        issues.append(issue(ErrorCode.BIRTHDATE_INVALID, where))
        return None


def _sex(raw: str, where: str, issues: list[SiecleIssue]) -> str | None:
    if not raw:
        return None
    sex = SEXES.get(normalize_name(raw))
    if sex is None:
        issues.append(issue(ErrorCode.SEX_INVALID, where))
    return sex


def _duplicates(pupils: Iterable[RawPupil]) -> list[SiecleIssue]:
    first_seen: dict[str, str] = {}
    issues = []
    for pupil in pupils:
        ine = pupil.get("ine").strip().upper()
        if not ine:
            continue
        if ine in first_seen:
            issues.append(issue(ErrorCode.INE_DUPLICATED, pupil.location, first=first_seen[ine]))
        else:
            first_seen[ine] = pupil.location
    return issues
