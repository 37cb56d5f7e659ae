"""Errors the domain and use cases raise; the HTTP adapter maps each to a status and page."""

from __future__ import annotations


class PixError(Exception):
    """Base class: ``kind`` is a short, log-safe label (never personal data)."""

    kind = "error"

    def __init__(self, kind: str | None = None) -> None:
        super().__init__(kind or self.kind)
        if kind:
            self.kind = kind


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
