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


class LoginFailed(PixError):
    """Wrong e-mail, username or password, or an account without that login: never say which."""

    kind = "login_failed"


class InvalidEmail(PixError):
    kind = "invalid_email"


class WeakPassword(PixError):
    """A new password too short, too long, or only letters or only digits."""

    kind = "weak_password"


class PasswordsDiffer(PixError):
    kind = "passwords_differ"


class WrongCurrentPassword(PixError):
    kind = "wrong_current_password"


class LinkInvalid(PixError):
    """A mailed link unknown, already used, expired, or for another purpose."""

    kind = "link_invalid"


class EmailLoginAlreadyPresent(PixError):
    """The account already has an e-mail login method."""

    kind = "email_login_present"


class AccountHasActivity(PixError):
    """An account with results cannot be folded into another (nothing would be lost silently)."""

    kind = "account_has_activity"


class MailUnavailable(PixError):
    """No SMTP server configured, or it refused the mail."""

    kind = "mail_unavailable"


class NamesRequired(PixError):
    kind = "names_required"
