"""Accept an invitation: create the Pix account (password chosen now), or add the
membership to the existing account of that e-mail once its owner has logged in."""

from __future__ import annotations

from dataclasses import dataclass

from kernel.clock import Clock
from pix_core.domain.accounts.passwords import MAX_PASSWORD_LENGTH, hash_password, verify_password
from pix_core.domain.invitations import (
    Invitation,
    InvitationNotFound,
    InvitationRefused,
    InvitationRepository,
    token_hash,
)
from pix_core.domain.memberships import (
    Membership,
    MembershipRepository,
    Organization,
    Role,
    display_name,
)
from pix_core.domain.repositories import AuthenticationMethodRepository, UserRepository
from pix_core.domain.users import AuthenticationMethod, User

MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True)
class InvitationView:
    invitation: Invitation
    organization: Organization
    account_exists: bool

    @property
    def organization_name(self) -> str:
        return display_name(self.organization)


@dataclass(frozen=True)
class NewAccount:
    first_name: str
    last_name: str
    password: str

    def __repr__(self) -> str:
        return "NewAccount(<redacted>)"


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


def accept_invitation(
    token: str,
    *,
    logged_in_user_id: int | None,
    password: str | None,
    new_account: NewAccount | None,
    invitations: InvitationRepository,
    users: UserRepository,
    methods: AuthenticationMethodRepository,
    memberships: MembershipRepository,
    clock: Clock,
) -> int:
    """Return the user id now member of the organisation (to log in).

    An existing account needs its owner: logged in already, or its ``password`` typed.
    Otherwise ``new_account`` creates it with the invited e-mail.
    """
    view = show_invitation(token, invitations=invitations, methods=methods, clock=clock)
    invitation, now = view.invitation, clock()
    method = methods.find_pix_by_email(invitation.email)
    if method is not None:
        owner = logged_in_user_id == method.user_id
        if not owner and not verify_password(password or "", method.password_hash):
            raise InvitationRefused("wrong_password")
        user_id = method.user_id
    else:
        if new_account is None:
            raise InvitationRefused("account_missing")
        first, last = new_account.first_name.strip()[:255], new_account.last_name.strip()[:255]
        if not first or not last:
            raise InvitationRefused("names_missing")
        if not MIN_PASSWORD_LENGTH <= len(new_account.password) <= MAX_PASSWORD_LENGTH:
            raise InvitationRefused("password_too_short")
        user = users.find_by_email(invitation.email)
        if user is None:
            user = users.add(User.new(first, last, now, email=invitation.email))
        assert user.id is not None
        user_id = user.id
        methods.add(AuthenticationMethod.for_pix(user_id, invitation.email,
                                                 hash_password(new_account.password), now))
    if memberships.find(user_id, invitation.organization_id) is None:
        memberships.add(Membership(None, user_id, invitation.organization_id, Role.MEMBER, now))
    invitations.update(invitation.accepted(user_id, now))
    return user_id
