"""Users and their login methods (one person, one account, several methods)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum


class IdentityProvider(StrEnum):
    """Where a login method authenticates: the GAR (through the proxy) or Pix itself."""

    GAR = "GAR"
    PIX = "PIX"


@dataclass(frozen=True)
class SchoolClass:
    code: str
    label: str


@dataclass(frozen=True)
class SchoolGroup:
    code: str
    label: str
    division: str


SIECLE_MATCH_VALUES = ("matched", "ambiguous", "none", "no_roster", "not_a_pupil")


@dataclass(frozen=True)
class SiecleClaims:
    """What the proxy found in the school's roster at the latest GAR login.

    ``match`` is one of ``SIECLE_MATCH_VALUES``; ``uai`` the school the match was made in;
    ``ine``, ``birthdate`` and ``class_code`` come only with ``matched``.
    """

    match: str
    uai: str | None = None
    ine: str | None = None
    birthdate: date | None = None
    class_code: str | None = None

    def matched_in(self, uai: str) -> bool:
        """True when the proxy matched this pupil for sure in the school ``uai``."""
        return self.match == "matched" and bool(self.ine) and self.uai == uai

    def __repr__(self) -> str:  # the INE and birth date are personal data
        return f"SiecleClaims(match={self.match!r}, <redacted>)"


@dataclass(frozen=True)
class SchoolContext:
    """The school context the GAR sent at the latest login (it changes every school year).

    ``siecle``: the proxy's roster match at that login (``None`` from older proxies).
    """

    uai: tuple[str, ...] = ()
    profiles: tuple[str, ...] = ()
    classes: tuple[SchoolClass, ...] = ()
    groups: tuple[SchoolGroup, ...] = ()
    siecle: SiecleClaims | None = None

    @property
    def is_staff(self) -> bool:
        """A GAR profile other than pupil (``National_elv``) or parent (``National_tut``)."""
        return any(p not in NOT_STAFF_PROFILES for p in self.profiles)


NOT_STAFF_PROFILES = frozenset({"National_elv", "National_tut"})


@dataclass(frozen=True)
class GarIdentity:
    """Who the proxy says logged in: ``sub`` is the proxy's pairwise pseudonym."""

    sub: str
    first_name: str
    last_name: str
    school: SchoolContext = field(default_factory=SchoolContext)

    def __repr__(self) -> str:  # never leak names or the pseudonym into logs
        return "GarIdentity(<redacted>)"


@dataclass(frozen=True)
class User:
    """A Pix account. Pupils coming through the GAR have no e-mail."""

    id: int | None
    first_name: str
    last_name: str
    email: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def new(cls, first_name: str, last_name: str, now: datetime, email: str | None = None) -> User:
        return cls(None, first_name, last_name, email, now, now)

    def renamed(self, first_name: str, last_name: str, now: datetime) -> User:
        """The names the GAR sends win: they are the official ones."""
        if (first_name, last_name) == (self.first_name, self.last_name):
            return self
        return replace(self, first_name=first_name, last_name=last_name, updated_at=now)

    def __repr__(self) -> str:
        return f"User(id={self.id!r})"


@dataclass(frozen=True)
class AuthenticationMethod:
    """One way into an account.

    ``GAR``: ``external_identifier`` is the proxy's ``sub``, unique per provider, and
    ``school`` the latest school context. ``PIX``: ``email`` (lower case) or ``username``
    (generated in Pix Orga for a pupil without e-mail) + ``password_hash`` (see
    ``accounts.domain.passwords``), no external identifier. ``must_change_password``: a
    one-time password handed over by someone else, to replace at the next login.
    """

    id: int | None
    user_id: int
    identity_provider: IdentityProvider
    external_identifier: str | None
    created_at: datetime
    updated_at: datetime
    last_logged_at: datetime | None = None
    school: SchoolContext | None = None
    email: str | None = None
    password_hash: str | None = None
    username: str | None = None
    must_change_password: bool = False

    @property
    def is_gar(self) -> bool:
        return self.identity_provider is IdentityProvider.GAR

    @property
    def is_pix(self) -> bool:
        return self.identity_provider is IdentityProvider.PIX

    @classmethod
    def for_gar(
        cls, user_id: int, sub: str, school: SchoolContext, now: datetime
    ) -> AuthenticationMethod:
        if not sub:
            raise ValueError("a GAR login method needs the proxy's sub")
        return cls(None, user_id, IdentityProvider.GAR, sub, now, now, now, school)

    @classmethod
    def for_pix(
        cls, user_id: int, email: str, password_hash: str, now: datetime
    ) -> AuthenticationMethod:
        if not email or not password_hash:
            raise ValueError("a PIX login method needs an e-mail and a password hash")
        return cls(
            None, user_id, IdentityProvider.PIX, None, now, now,
            email=normalize_email(email), password_hash=password_hash,
        )

    @classmethod
    def for_username(
        cls, user_id: int, username: str, one_time_password_hash: str, now: datetime
    ) -> AuthenticationMethod:
        """A generated username and one-time password (to change at the first login)."""
        return cls(None, user_id, IdentityProvider.PIX, None, now, now, username=username,
                   password_hash=one_time_password_hash, must_change_password=True)

    def with_password(self, password_hash: str, now: datetime,
                      must_change: bool = False) -> AuthenticationMethod:
        return replace(self, password_hash=password_hash, must_change_password=must_change,
                       updated_at=now)

    def moved_to(self, user_id: int, now: datetime) -> AuthenticationMethod:
        """The same login method, now opening another account (accounts tied together)."""
        return replace(self, user_id=user_id, updated_at=now)

    def logged_in(self, school: SchoolContext | None, now: datetime) -> AuthenticationMethod:
        return replace(self, school=school, last_logged_at=now, updated_at=now)

    def __repr__(self) -> str:
        return f"AuthenticationMethod(id={self.id!r}, provider={self.identity_provider.value})"


def normalize_email(email: str) -> str:
    """E-mail addresses are compared trimmed and in lower case."""
    return email.strip().lower()


MAX_EMAIL_LENGTH = 254


def is_plausible_email(email: str) -> bool:
    """One ``@``, a dot in the domain, no spaces; the confirmation mail proves the rest."""
    local, at, domain = normalize_email(email).rpartition("@")
    return (bool(at and local and "." in domain.strip(".")) and len(email) <= MAX_EMAIL_LENGTH
            and not any(c.isspace() or c in "<>,;\"" for c in email.strip()))


def latest_gar_school(methods: Iterable[AuthenticationMethod]) -> SchoolContext | None:
    """The school context of the most recent GAR login among ``methods``, if any."""
    gar = [m for m in methods if m.is_gar and m.school is not None]
    if not gar:
        return None
    return max(gar, key=lambda m: (m.last_logged_at or m.created_at, m.id or 0)).school
