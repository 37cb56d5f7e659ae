"""The invitation page: which organisation invites, and whether the e-mail has an account."""

from __future__ import annotations

from dataclasses import dataclass

from kernel.clock import Clock
from pix_core.accounts.domain.repositories import AuthenticationMethodRepository
from pix_core.orga.domain.errors import InvitationNotFound
from pix_core.orga.domain.invitations import Invitation, InvitationRepository, token_hash
from pix_core.orga.domain.organizations import display_name
from roster.domain.learners import Organization


@dataclass(frozen=True)
class InvitationView:
    invitation: Invitation
    organization: Organization
    account_exists: bool

    @property
    def organization_name(self) -> str:
        return display_name(self.organization)


def show_invitation(
    token: str,
    *,
    invitations: InvitationRepository,
    methods: AuthenticationMethodRepository,
    clock: Clock,
) -> InvitationView:
    """``InvitationNotFound`` for an unknown, used or expired link."""
    invitation = invitations.find_by_token_hash(token_hash(token))
    if invitation is None or not invitation.usable(clock()):
        raise InvitationNotFound()
    exists = methods.find_pix_by_email(invitation.email) is not None
    return InvitationView(invitation, invitations.organization_of(invitation), exists)
