"""OAuth 2.0 / OpenID Connect facts both apps need."""

from __future__ import annotations

# The authorization error codes of RFC 6749 §4.1.2.1 and OIDC Core §3.1.2.6. Codes read
# from a redirect are kept as labels or audit reasons only when listed here, so that a
# client cannot mint new metric series or reasons at will.
AUTHORIZATION_ERROR_CODES = frozenset({
    "invalid_request", "unauthorized_client", "access_denied", "unsupported_response_type",
    "invalid_scope", "server_error", "temporarily_unavailable", "interaction_required",
    "login_required", "account_selection_required", "consent_required",
    "invalid_request_uri", "invalid_request_object", "request_not_supported",
    "request_uri_not_supported", "registration_not_supported"})
