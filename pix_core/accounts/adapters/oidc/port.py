"""What the web layer needs from a relying party, and the login state it keeps in the session."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from pix_core.accounts.domain.users import GarIdentity

CALLBACK_PATH = "/connexion/oidc/callback"
"""Where the proxy sends the browser back: the path of the ``redirect_uri``."""


@dataclass(frozen=True)
class PendingLogin:
    """Per-login secrets, kept server-side in the user's session (never in process memory)."""

    state: str
    nonce: str
    code_verifier: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PendingLogin:
        return cls(str(data["state"]), str(data["nonce"]), str(data["code_verifier"]))

    def __repr__(self) -> str:
        return "PendingLogin(<redacted>)"


@dataclass(frozen=True)
class LoginRedirect:
    url: str
    pending: PendingLogin


class RelyingParty(Protocol):
    def begin(self, login_hint: str | None = None, request_id: str | None = None) -> LoginRedirect:
        """Build the authorization request URL and the state to remember.

        ``request_id`` names the login in both apps' logs (``kernel/request_id.py``).
        """
        ...

    def complete(self, params: Mapping[str, str], pending: PendingLogin) -> GarIdentity:
        """Check the callback, redeem the code, verify the ID token, fetch userinfo.

        Raises ``AuthenticationFailed`` or ``IdentityProviderUnavailable``.
        """
        ...
