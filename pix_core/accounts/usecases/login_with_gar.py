"""A pupil arrives from the GAR: find the account by its GAR login method, or create it."""

from __future__ import annotations

from dataclasses import dataclass

from kernel.clock import Clock
from kernel.stored import NotStored
from pix_core.accounts.domain.errors import UserNotFound
from pix_core.accounts.domain.repositories import AuthenticationMethodRepository, UserRepository
from pix_core.accounts.domain.users import AuthenticationMethod, GarIdentity, IdentityProvider, User


@dataclass(frozen=True)
class GarLogin:
    user: User
    created: bool


def login_with_gar(
    identity: GarIdentity,
    users: UserRepository,
    methods: AuthenticationMethodRepository,
    clock: Clock,
) -> GarLogin:
    """First visit: account + GAR method, no e-mail. Later: refresh names and school."""
    now = clock()
    method = methods.find(IdentityProvider.GAR, identity.sub)
    if method is None:
        user = users.add(User.new(identity.first_name, identity.last_name, now))
        if user.id is None:
            raise NotStored(user)
        methods.add(AuthenticationMethod.for_gar(user.id, identity.sub, identity.school, now))
        return GarLogin(user, created=True)
    existing = users.get(method.user_id)
    if existing is None:
        raise UserNotFound()
    user = existing.renamed(identity.first_name, identity.last_name, now)
    if user is not existing:
        users.update(user)
    methods.update(method.logged_in(identity.school, now))
    return GarLogin(user, created=False)
