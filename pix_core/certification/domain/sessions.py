"""A certification session of an organisation: where and when, its codes, its status.

Status: created → finalised (the examiner's report) → processed (certificates computed)
→ published (pupils see their certificate, anyone may verify it).
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from pix_core.certification.domain.errors import InvalidSession, SessionClosed
from roster.domain.learners import Organization

MAX_TEXT = 255
MAX_COMMENT = 2000
_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


class SessionStatus(StrEnum):
    CREATED = "created"
    FINALISED = "finalised"
    PROCESSED = "processed"
    PUBLISHED = "published"


STATUS_LABELS = {
    SessionStatus.CREATED: "Créée",
    SessionStatus.FINALISED: "Finalisée",
    SessionStatus.PROCESSED: "Résultats calculés",
    SessionStatus.PUBLISHED: "Résultats publiés",
}


@dataclass(frozen=True)
class SessionDetails:
    """What the school types when creating a session."""

    date: date
    time: str  # "HH:MM", local time of the school
    room: str
    address: str
    examiner: str

    @classmethod
    def checked(cls, day: dt.date | None, time: str, room: str, address: str,
                examiner: str) -> SessionDetails:
        """Spaces tidied; ``InvalidSession`` naming the first missing or malformed field."""
        room, address, examiner = (" ".join(v.split())[:MAX_TEXT]
                                   for v in (room, address, examiner))
        if day is None:
            raise InvalidSession("date_missing")
        if not _TIME.match(time.strip()):
            raise InvalidSession("time_invalid")
        for name, value in (("room", room), ("address", address), ("examiner", examiner)):
            if not value:
                raise InvalidSession(f"{name}_missing")
        return cls(day, time.strip(), room, address, examiner)


@dataclass(frozen=True)
class CertificationSession:
    id: int | None
    organization_id: int
    details: SessionDetails
    access_code: str
    supervisor_password: str
    status: SessionStatus
    created_by: int | None
    created_at: datetime
    comment: str | None = None
    finalised_at: datetime | None = None
    processed_at: datetime | None = None
    published_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        """Candidates may be enrolled, join and take the test."""
        return self.status is SessionStatus.CREATED

    @property
    def is_published(self) -> bool:
        return self.status is SessionStatus.PUBLISHED

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def finalised(self, comment: str, now: datetime) -> CertificationSession:
        self._require(SessionStatus.CREATED)
        text = comment.strip()[:MAX_COMMENT] or None
        return replace(self, status=SessionStatus.FINALISED, comment=text, finalised_at=now)

    def processed(self, now: datetime) -> CertificationSession:
        self._require(SessionStatus.FINALISED)
        return replace(self, status=SessionStatus.PROCESSED, processed_at=now)

    def published(self, now: datetime) -> CertificationSession:
        self._require(SessionStatus.PROCESSED)
        return replace(self, status=SessionStatus.PUBLISHED, published_at=now)

    def _require(self, status: SessionStatus) -> None:
        if self.status is not status:
            raise SessionClosed(f"session_not_{status.value}")

    def __repr__(self) -> str:  # the password stays out of logs
        return f"CertificationSession(id={self.id}, status={self.status.value})"


class SessionRepository(Protocol):
    def add(self, session: CertificationSession) -> CertificationSession:
        """Raises ``CodeTaken`` when the access code is already used."""
        ...

    def access_code_exists(self, code: str) -> bool: ...

    def get(self, session_id: int) -> CertificationSession | None: ...

    def get_by_access_code(self, code: str) -> CertificationSession | None: ...

    def list_for_organization(self, organization_id: int) -> list[CertificationSession]: ...

    def update(self, session: CertificationSession) -> None: ...

    def organization_of(self, session: CertificationSession) -> Organization: ...


def supervisor_password_matches(session: CertificationSession, password: str) -> bool:
    """Constant-time comparison of what the supervisor typed (case and spaces forgiven)."""
    typed = "".join(password.split()).upper()
    return hmac.compare_digest(typed.encode(), session.supervisor_password.encode())
