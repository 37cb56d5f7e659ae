"""Errors about accounts and logins; ``kind`` is log-safe (never an e-mail or a name)."""

from __future__ import annotations

from pix_core.shared.domain.errors import PixError


class AuthenticationFailed(PixError):
    """The identity provider refused the login, or its answer could not be trusted."""

    kind = "authentication_failed"


class IdentityProviderUnavailable(PixError):
    """The identity provider could not be reached or answered nonsense."""

    kind = "provider_unavailable"


class InvalidLoginInitiation(PixError):
    """A third-party initiated login that does not come from our issuer or targets elsewhere."""

    kind = "invalid_login_initiation"


class UserNotFound(PixError):
    kind = "user_not_found"


class OrgaLoginFailed(PixError):
    """Wrong e-mail or password: never say which."""

    kind = "orga_login_failed"


class PixAccountRequired(PixError):
    """Pix Orga needs an account with an e-mail login method (GAR-only accounts have none)."""

    kind = "pix_account_required"


class GarAccountRequired(PixError):
    """A page for pupils who came through the GAR."""

    kind = "gar_account_required"
