"""What the use cases need from storage. Adapters implement these protocols."""

from __future__ import annotations

from typing import Protocol

from pix_core.accounts.domain.users import AuthenticationMethod, IdentityProvider, User


class UserRepository(Protocol):
    def get(self, user_id: int) -> User | None: ...

    def add(self, user: User) -> User:
        """Store a new user and return it with its id."""
        ...

    def update(self, user: User) -> None: ...

    def find_by_email(self, email: str) -> User | None: ...


class AuthenticationMethodRepository(Protocol):
    def find(
        self, provider: IdentityProvider, external_identifier: str
    ) -> AuthenticationMethod | None: ...

    def add(self, method: AuthenticationMethod) -> AuthenticationMethod: ...

    def find_pix_by_email(self, email: str) -> AuthenticationMethod | None: ...

    def list_for_user(self, user_id: int) -> list[AuthenticationMethod]: ...

    def update(self, method: AuthenticationMethod) -> None: ...
