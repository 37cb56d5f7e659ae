"""Errors about Pix (e-mail) accounts; ``kind`` is log-safe (never an e-mail)."""

from __future__ import annotations

from pix_core.domain.errors import PixError


class OrgaLoginFailed(PixError):
    """Wrong e-mail or password: never say which."""

    kind = "orga_login_failed"


class PixAccountRequired(PixError):
    """Pix Orga needs an account with an e-mail login method (GAR-only accounts have none)."""

    kind = "pix_account_required"


class GarAccountRequired(PixError):
    """A page for pupils who came through the GAR."""

    kind = "gar_account_required"
