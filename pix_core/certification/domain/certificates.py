"""A certificate: the scored result of one candidate, checked by its verification code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from pix_core.certification.domain.scoring import CompetenceMark


@dataclass(frozen=True)
class Certificate:
    id: int | None
    candidate_id: int
    verification_code: str
    correct: int
    asked: int
    is_certified: bool
    competences: dict[str, CompetenceMark]
    created_at: datetime

    @property
    def total(self) -> int:
        return sum(mark.score for mark in self.competences.values())

    @property
    def rate_percent(self) -> int:
        return self.correct * 100 // self.asked if self.asked else 0


@dataclass(frozen=True)
class PublishedCertificate:
    """What anyone with the code sees: names, session date, marks. No birth date, no INE."""

    certificate: Certificate
    last_name: str
    first_name: str
    session_date: date
    organization_name: str

    def __repr__(self) -> str:
        return f"PublishedCertificate(id={self.certificate.id})"


class CertificateRepository(Protocol):
    def add(self, certificate: Certificate) -> Certificate:
        """Raises ``CodeTaken`` when the verification code is already used."""
        ...

    def code_exists(self, code: str) -> bool: ...

    def for_candidate(self, candidate_id: int) -> Certificate | None: ...

    def published_by_code(self, code: str) -> PublishedCertificate | None:
        """Only certificates of published sessions."""
        ...
