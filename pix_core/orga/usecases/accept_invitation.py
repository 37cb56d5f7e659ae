"""Accept an invitation: create the Pix account (password chosen now), or add the
membership to the existing account of that e-mail once its owner has logged in."""

from __future__ import annotations

from dataclasses import dataclass

from kernel.clock import Clock
from kernel.stored import NotStored
from pix_core.accounts.domain.passwords import MAX_PASSWORD_LENGTH, hash_password, verify_password
from pix_core.accounts.domain.repositories import AuthenticationMethodRepository, UserRepository
from pix_core.accounts.domain.users import AuthenticationMethod, User
from pix_core.orga.domain.errors import InvitationRefused
from pix_core.orga.domain.invitations import InvitationRepository
from pix_core.orga.domain.memberships import Membership, MembershipRepository, Role
from pix_core.orga.usecases.show_invitation import show_invitation

MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True)
class NewAccount:
    first_name: str
    last_name: str
    password: str

    def __repr__(self) -> str:
        return "NewAccount(<redacted>)"


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
        if user.id is None:
            raise NotStored(user)
        user_id = user.id
        methods.add(AuthenticationMethod.for_pix(user_id, invitation.email,
                                                 hash_password(new_account.password), now))
    if memberships.find(user_id, invitation.organization_id) is None:
        memberships.add(Membership(None, user_id, invitation.organization_id, Role.MEMBER, now))
    invitations.update(invitation.accepted(user_id, now))
    return user_id
