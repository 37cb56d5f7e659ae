"""Organisations (schools, by UAI) and their learners, as the SIECLE roster describes them."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from typing import Any

from kernel.stored import NotStored
from roster.domain.matching import RosterEntry

_UAI = re.compile(r"^[0-9]{7}[A-Z]$")


def normalize_uai(uai: str) -> str:
    return uai.strip().upper()


def is_valid_uai(uai: str) -> bool:
    return bool(_UAI.match(uai))


@dataclass(frozen=True)
class Organization:
    id: int | None
    uai: str
    name: str | None
    created_at: datetime
    siecle_imported_at: datetime | None = None

    @classmethod
    def new(cls, uai: str, now: datetime, name: str | None = None) -> Organization:
        return cls(id=None, uai=normalize_uai(uai), name=name, created_at=now)


@dataclass(frozen=True, kw_only=True, repr=False, slots=True)
class LearnerData:
    """What a SIECLE file says about one pupil, validated (empty optional values are None)."""

    ine: str
    last_name: str
    usage_name: str | None
    first_name: str
    second_name: str | None
    third_name: str | None
    birthdate: date
    sex: str | None  # 'M' | 'F'; None from CSV templates without a sex column
    birth_city_code: str | None
    birth_city: str | None
    birth_department_code: str | None
    birth_country_code: str | None
    mef_code: str | None
    status: str | None
    division: str

    def __repr__(self) -> str:  # names, INE and birth date are personal data
        return f"{type(self).__name__}(<redacted>)"


DATA_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(LearnerData))


@dataclass(frozen=True, kw_only=True, repr=False, slots=True)
class Learner(LearnerData):
    """A learner of an organisation's roster; never deleted, marked gone when absent."""

    id: int | None
    organization_id: int
    is_active: bool
    left_at: datetime | None
    user_id: int | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def new(cls, organization_id: int, data: LearnerData, now: datetime) -> Learner:
        return cls(id=None, organization_id=organization_id, is_active=True, left_at=None,
                   user_id=None, created_at=now, updated_at=now, **_values(data))

    def data(self) -> LearnerData:
        return LearnerData(**_values(self))

    def renewed(self, data: LearnerData, now: datetime) -> Learner:
        """This learner as this year's file describes it: ``self`` when nothing changed.

        Names, class, ... are refreshed, a learner who had left is back; ``user_id`` is kept.
        """
        if self.is_active and self.data() == data:
            return self
        return replace(self, is_active=True, left_at=None, updated_at=now, **_values(data))

    def gone(self, now: datetime) -> Learner:
        """No longer in the school's file: kept, marked inactive (``self`` if already so)."""
        if not self.is_active:
            return self
        return replace(self, is_active=False, left_at=now, updated_at=now)

    def roster_entry(self) -> RosterEntry:
        """What :func:`~roster.domain.matching.find_learner` needs."""
        if self.id is None:
            raise NotStored(self)
        return RosterEntry(
            learner_id=self.id,
            ine=self.ine,
            first_names=tuple(n for n in (self.first_name, self.second_name,
                                          self.third_name) if n),
            last_names=tuple(n for n in (self.last_name, self.usage_name) if n),
            birthdate=self.birthdate,
            division=self.division,
        )


def _values(data: LearnerData) -> dict[str, Any]:
    return {name: getattr(data, name) for name in DATA_FIELDS}
