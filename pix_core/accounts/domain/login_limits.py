"""Attempt limits of the e-mail + password logins (Pix Orga's page, an invitation's form)."""

from __future__ import annotations

from pix_core.shared.domain.rate_limit import ATTEMPT_WINDOW, RateLimitRule

ORGA_LOGIN_PER_ACCOUNT = RateLimitRule("orga_login_account", 10, ATTEMPT_WINDOW)
"""Pix Orga e-mail/password login, per e-mail address typed (existing or not)."""

ORGA_LOGIN_PER_IP = RateLimitRule("orga_login_ip", 50, ATTEMPT_WINDOW)
"""Per client IP: higher than per account, since a whole school may share one address."""
