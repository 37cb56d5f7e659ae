"""Pix Orga campaigns ("parcours"): their code and the campaign itself.

A member of an organisation creates a campaign for a target profile (``target_profiles``)
and gets a code of 6 upper-case letters and 3 digits, which pupils type on "Parcours" or
receive as a link (``/campagnes/<code>``); ``participations`` follow each pupil.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from pix_core.shared.domain.rate_limit import ATTEMPT_WINDOW, RateLimitRule
from roster.domain.learners import Organization

CODE_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
CODE_DIGITS = "0123456789"
_CODE = re.compile(r"^[A-Z]{6}[0-9]{3}$")
MAX_CODE_ATTEMPTS = 20


def generate_code(choice: Callable[[str], str] = secrets.choice) -> str:
    """6 upper-case letters + 3 digits from ``secrets`` (26^6 × 10^3 ≈ 3.1e11 codes)."""
    return "".join(choice(CODE_LETTERS) for _ in range(6)) + "".join(
        choice(CODE_DIGITS) for _ in range(3))


def normalize_code(code: str) -> str:
    return "".join(code.split()).upper()


def is_valid_code(code: str) -> bool:
    return bool(_CODE.match(code))


CAMPAIGN_CODE_PER_USER = RateLimitRule("campaign_code_user", 10, ATTEMPT_WINDOW)
"""Codes typed on "Parcours", per logged-in user (a code is not a secret, but guessing one
should stay slow)."""


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


class CampaignRepository(Protocol):
    def add(self, campaign: Campaign) -> Campaign:
        """Raises ``CodeTaken`` when the code is already used (unique constraint)."""
        ...

    def code_exists(self, code: str) -> bool: ...

    def get_by_code(self, code: str) -> Campaign | None: ...

    def list_for_organization(self, organization_id: int) -> list[Campaign]: ...

    def update(self, campaign: Campaign) -> None: ...

    def organization_of(self, campaign: Campaign) -> Organization: ...
