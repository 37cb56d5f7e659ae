"""Attempt limits of the e-mail + password logins (Pix Orga's page, an invitation's form)."""

from __future__ import annotations

from pix_core.shared.domain.rate_limit import ATTEMPT_WINDOW, RateLimitRule

ORGA_LOGIN_PER_ACCOUNT = RateLimitRule("orga_login_account", 10, ATTEMPT_WINDOW)
"""Pix Orga e-mail/password login, per e-mail address typed (existing or not)."""

ORGA_LOGIN_PER_IP = RateLimitRule("orga_login_ip", 50, ATTEMPT_WINDOW)
"""Per client IP: higher than per account, since a whole school may share one address."""

PASSWORD_LOGIN_PER_ACCOUNT = ORGA_LOGIN_PER_ACCOUNT
"""Pix's own login page counts on the same counters as Pix Orga's: switching pages buys
an attacker nothing (per login typed, e-mail or username, existing or not)."""

PASSWORD_LOGIN_PER_IP = ORGA_LOGIN_PER_IP

MAILING_PER_IP = RateLimitRule("mailing_ip", 20, ATTEMPT_WINDOW)
"""Sign-ups, "mot de passe oublié" and recovery requests per client IP (each sends a mail)."""

MAILING_PER_ADDRESS = RateLimitRule("mailing_address", 5, ATTEMPT_WINDOW)
"""Mails asked for one address (typed, existing or not): nobody floods a mailbox."""

ACCOUNT_CHANGE_PER_USER = RateLimitRule("account_change_user", 10, ATTEMPT_WINDOW)
"""Password checks and e-mail additions from a logged-in account (change, link)."""
