"""A pupil arrives from the GAR: find the account by its GAR login method, or create it.

A GAR identifier never seen (a new school, a new academy) still reaches the pupil's
account when the roster ties them: the proxy matched the pupil for sure (same INE) and
exactly one account already tied to that INE in a roster was itself opened through the
GAR. An account that was never a GAR one (e-mail or username only) is never reached this
way: linking to it needs its password (``link_gar_account``).
"""

from __future__ import annotations

from dataclasses import dataclass

from kernel.clock import Clock
from kernel.stored import NotStored
from pix_core.accounts.domain.errors import UserNotFound
from pix_core.accounts.domain.repositories import (
    AuthenticationMethodRepository,
    RosterTies,
    UserRepository,
)
from pix_core.accounts.domain.users import AuthenticationMethod, GarIdentity, IdentityProvider, User


@dataclass(frozen=True)
class GarLogin:
    user: User
    created: bool
    tied_by_roster: bool = False


def login_with_gar(
    identity: GarIdentity,
    users: UserRepository,
    methods: AuthenticationMethodRepository,
    clock: Clock,
    ties: RosterTies | None = None,
) -> GarLogin:
    """First visit: account + GAR method, no e-mail. Later: refresh names and school."""
    now = clock()
    method = methods.find(IdentityProvider.GAR, identity.sub)
    if method is None:
        tied = _tied_gar_account(identity, users, methods, ties)
        user = tied or users.add(User.new(identity.first_name, identity.last_name, now))
        if user.id is None:
            raise NotStored(user)
        methods.add(AuthenticationMethod.for_gar(user.id, identity.sub, identity.school, now))
        if tied is None:
            return GarLogin(user, created=True)
        return GarLogin(_renamed(tied, identity, users, now), created=False, tied_by_roster=True)
    existing = users.get(method.user_id)
    if existing is None:
        raise UserNotFound()
    methods.update(method.logged_in(identity.school, now))
    return GarLogin(_renamed(existing, identity, users, now), created=False)


def _renamed(user: User, identity: GarIdentity, users: UserRepository, now) -> User:
    renamed = user.renamed(identity.first_name, identity.last_name, now)
    if renamed is not user:
        users.update(renamed)
    return renamed


def _tied_gar_account(identity: GarIdentity, users: UserRepository,
                      methods: AuthenticationMethodRepository, ties: RosterTies | None
                      ) -> User | None:
    siecle = identity.school.siecle
    if ties is None or siecle is None or siecle.match != "matched" or not siecle.ine:
        return None
    candidates = [user_id for user_id in sorted(ties.users_tied_to_ine(siecle.ine))
                  if any(m.is_gar for m in methods.list_for_user(user_id))]
    if len(candidates) != 1:
        return None
    return users.get(candidates[0])
