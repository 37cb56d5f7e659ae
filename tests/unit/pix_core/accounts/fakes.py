"""In-memory fakes for pix_core unit tests: repositories, session store, relying party."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from pix_core.accounts.adapters.oidc.port import LoginRedirect, PendingLogin
from pix_core.accounts.domain.errors import AuthenticationFailed
from pix_core.accounts.domain.users import (
    AuthenticationMethod,
    GarIdentity,
    IdentityProvider,
    SchoolClass,
    SchoolContext,
    User,
)
from tests.unit.pix_core.evaluation.fakes import InMemoryAssessmentRepositories

NOW = datetime(2024, 9, 2, 8, 30, tzinfo=UTC)


class FakeClock:
    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class InMemoryUsers:
    def __init__(self) -> None:
        self.rows: dict[int, User] = {}

    def get(self, user_id: int) -> User | None:
        return self.rows.get(user_id)

    def add(self, user: User) -> User:
        stored = replace(user, id=len(self.rows) + 1)
        self.rows[stored.id] = stored  # type: ignore[index]
        return stored

    def update(self, user: User) -> None:
        assert user.id in self.rows
        self.rows[user.id] = user


class InMemoryMethods:
    def __init__(self) -> None:
        self.rows: dict[int, AuthenticationMethod] = {}

    def find(self, provider: IdentityProvider, external_identifier: str):
        for method in self.rows.values():
            if (method.identity_provider, method.external_identifier) == (
                provider,
                external_identifier,
            ):
                return method
        return None

    def add(self, method: AuthenticationMethod) -> AuthenticationMethod:
        stored = replace(method, id=len(self.rows) + 1)
        self.rows[stored.id] = stored  # type: ignore[index]
        return stored

    def update(self, method: AuthenticationMethod) -> None:
        assert method.id in self.rows
        self.rows[method.id] = method  # type: ignore[index]


class InMemoryUnitOfWork:
    def __init__(self) -> None:
        self.users = InMemoryUsers()
        self.methods = InMemoryMethods()
        repos = InMemoryAssessmentRepositories()
        self.assessments, self.answers = repos.assessments, repos.answers
        self.knowledge_elements = repos.knowledge_elements
        self.commits = 0

    def __enter__(self) -> InMemoryUnitOfWork:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def commit(self) -> None:
        self.commits += 1


class InMemorySessionStore:
    def __init__(self, lifetime: timedelta = timedelta(hours=1)) -> None:
        self.lifetime = lifetime
        self.rows: dict[str, tuple[dict[str, Any], datetime]] = {}

    def create(self, data: dict[str, Any], now: datetime) -> str:
        session_id = secrets.token_urlsafe(16)
        self.rows[session_id] = (dict(data), now + self.lifetime)
        return session_id

    def replace(self, old_session_id: str | None, data: dict[str, Any], now: datetime) -> str:
        if old_session_id is not None:
            self.delete(old_session_id)
        return self.create(data, now)

    def load(self, session_id: str, now: datetime) -> dict[str, Any] | None:
        row = self.rows.get(session_id)
        if row is None or row[1] <= now:
            return None
        return dict(row[0])

    def save(self, session_id: str, data: dict[str, Any]) -> None:
        self.rows[session_id] = (dict(data), self.rows[session_id][1])

    def delete(self, session_id: str) -> None:
        self.rows.pop(session_id, None)


def gar_identity(sub: str = "pseudo-123", first: str = "Flora", last: str = "Dupont"):
    school = SchoolContext(
        uai=("0561641E",),
        profiles=("National_elv",),
        classes=(SchoolClass("3A", "3EME A"),),
    )
    return GarIdentity(sub=sub, first_name=first, last_name=last, school=school)


class FakeRelyingParty:
    """Stands in for the OIDC adapter: the callback succeeds when state and code match."""

    authorization_endpoint = "https://localhost:8443/gar/pix/authorization"

    def __init__(self) -> None:
        self.identity = gar_identity()
        self.begun: list[tuple[str | None, PendingLogin]] = []

    def begin(self, login_hint: str | None = None, request_id: str | None = None) -> LoginRedirect:
        pending = PendingLogin(
            secrets.token_urlsafe(8), secrets.token_urlsafe(8), secrets.token_urlsafe(8)
        )
        self.begun.append((login_hint, pending))
        return LoginRedirect(f"{self.authorization_endpoint}?state={pending.state}", pending)

    def complete(self, params: Mapping[str, str], pending: PendingLogin) -> GarIdentity:
        if "error" in params:
            raise AuthenticationFailed("op_error")
        if params.get("state") != pending.state:
            raise AuthenticationFailed("state_mismatch")
        if params.get("code") != "good-code":
            raise AuthenticationFailed("token_rejected")
        return self.identity
