"""What the use cases need from storage. Adapters implement these protocols."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from pix_core.accounts.domain.tokens import AccountToken
from pix_core.accounts.domain.users import AuthenticationMethod, IdentityProvider, User


class UserRepository(Protocol):
    def get(self, user_id: int) -> User | None: ...

    def add(self, user: User) -> User:
        """Store a new user and return it with its id."""
        ...

    def update(self, user: User) -> None: ...

    def find_by_email(self, email: str) -> User | None: ...

    def delete(self, user_id: int) -> None:
        """Remove an account (its sessions and login methods go with it)."""
        ...


class AuthenticationMethodRepository(Protocol):
    def find(
        self, provider: IdentityProvider, external_identifier: str
    ) -> AuthenticationMethod | None: ...

    def add(self, method: AuthenticationMethod) -> AuthenticationMethod: ...

    def find_pix_by_email(self, email: str) -> AuthenticationMethod | None: ...

    def find_pix_by_username(self, username: str) -> AuthenticationMethod | None: ...

    def list_for_user(self, user_id: int) -> list[AuthenticationMethod]: ...

    def update(self, method: AuthenticationMethod) -> None: ...


class AccountTokenRepository(Protocol):
    def add(self, token: AccountToken) -> AccountToken: ...

    def find(self, token_hash: str) -> AccountToken | None: ...

    def update(self, token: AccountToken) -> None: ...


class RosterTies(Protocol):
    """Accounts the school rosters tie to a learner (organization_learners.user_id)."""

    def users_tied_to_ine(self, ine: str) -> set[int]: ...

    def learners_matching(self, ine: str, birthdate: date) -> list[TiedLearner]: ...


class TiedLearner(Protocol):
    first_name: str
    last_name: str
    user_id: int | None


class AccountActivity(Protocol):
    """Whether an account holds anything of its own (results, roster ties, memberships)."""

    def has_activity(self, user_id: int) -> bool: ...




class PersonalData(Protocol):
    """Bulk operations on personal data across every context's tables."""

    def existing(self, user_ids: set[int]) -> set[int]: ...

    def gar_subjects(self, user_ids: set[int]) -> set[str]:
        """The proxy's pairwise ``sub`` of these accounts' GAR logins."""
        ...

    def anonymise(self, user_ids: set[int], now: datetime) -> None:
        """Names and e-mails removed, login methods, sessions, links and roster ties gone;
        results (assessments, answers, participations) kept, tied to no one."""
        ...

    def gar_only_unused_since(self, cutoff: datetime) -> set[int]:
        """Accounts with only GAR logins, none since ``cutoff``, not yet anonymised."""
        ...

    def audit(self, action: str, accounts: int, now: datetime, **detail: object) -> None: ...


class GarPseudonyms(Protocol):
    """The proxy's records behind the GAR logins' pairwise ``sub`` (another database)."""

    def forget(self, pairwise_subs: set[str]) -> int:
        """Delete them (committed at once); the number of records deleted."""
        ...
