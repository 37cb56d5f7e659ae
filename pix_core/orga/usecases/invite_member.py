"""An organisation's administrator invites a teacher by e-mail (Pix Orga's members page).

There is no mail server: the use case returns the token, the page shows the link
``/orga/invitations/<token>`` once, and the administrator sends it. Inviting the same
address again renews the pending invitation (the previous link stops working).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kernel.clock import Clock
from kernel.stored import NotStored
from pix_core.accounts.domain.users import normalize_email
from pix_core.orga.domain.errors import InvitationRefused
from pix_core.orga.domain.invitations import (
    Invitation,
    InvitationRepository,
    MemberDirectory,
    new_token,
    token_hash,
)
from pix_core.orga.domain.memberships import MembershipRepository
from pix_core.orga.domain.organizations import OrganizationRepository
from pix_core.orga.usecases.authorize_member import authorize_member

MAX_EMAIL_LENGTH = 320


@dataclass(frozen=True)
class InvitationSent:
    invitation: Invitation
    token: str

    def __repr__(self) -> str:
        return f"InvitationSent(id={self.invitation.id!r})"


def valid_email(email: str) -> bool:
    local, at, domain = email.partition("@")
    return (bool(at) and bool(local) and "." in domain and " " not in email
            and len(email) <= MAX_EMAIL_LENGTH and "@" not in domain)


def invite_member(
    user_id: int,
    uai: str,
    email: str,
    *,
    organizations: OrganizationRepository,
    memberships: MembershipRepository,
    invitations: InvitationRepository,
    members: MemberDirectory,
    clock: Clock,
    make_token: Callable[[], str] = new_token,
) -> InvitationSent:
    """ADMIN only. ``InvitationRefused`` for an invalid address or an existing member."""
    organization, _ = authorize_member(user_id, uai, organizations, memberships, admin=True)
    if organization.id is None:
        raise NotStored(organization)
    email = normalize_email(email)
    if not valid_email(email):
        raise InvitationRefused("invalid_email")
    if any(m.email == email for m in members.members(organization.id)):
        raise InvitationRefused("already_member")
    token, now = make_token(), clock()
    pending = invitations.find_pending(organization.id, email)
    if pending is not None:
        renewed = pending.renewed(token_hash(token), user_id, now)
        invitations.update(renewed)
        return InvitationSent(renewed, token)
    added = invitations.add(Invitation(None, organization.id, email, token_hash(token),
                                       user_id, now))
    return InvitationSent(added, token)
