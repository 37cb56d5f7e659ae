"""A Pix Orga member gives pupils of their school without e-mail a username and a one-time
password (one pupil, or a whole class, as a printable list).

A pupil already tied to an account gets the username on that account (or a new one-time
password on the username it has); a pupil never seen gets an account made from the
roster's names, tied to them. Only the school's own, current learners; the passwords are
shown once, stored only hashed, and must be changed at the first login.
"""

from __future__ import annotations

from dataclasses import dataclass

from kernel.clock import Clock
from pix_core.accounts.domain.passwords import hash_password
from pix_core.accounts.domain.repositories import AuthenticationMethodRepository, UserRepository
from pix_core.accounts.domain.usernames import base_username, one_time_password, unique_username
from pix_core.accounts.domain.users import AuthenticationMethod, User
from pix_core.orga.domain.errors import LearnerNotFound
from pix_core.orga.domain.learners import LearnerLinkRepository, RosterLine
from pix_core.orga.domain.memberships import MembershipRepository
from pix_core.orga.domain.organizations import OrganizationRepository
from pix_core.orga.usecases.authorize_member import authorize_member


@dataclass(frozen=True)
class GeneratedLogin:
    last_name: str
    first_name: str
    division: str | None
    username: str
    one_time_password: str

    def __repr__(self) -> str:
        return "GeneratedLogin(<redacted>)"


def generate_usernames(member_id: int, uai: str, *, learner_ids: set[int] | None = None,
                       division: str | None = None, organizations: OrganizationRepository,
                       memberships: MembershipRepository, learners: LearnerLinkRepository,
                       users: UserRepository, methods: AuthenticationMethodRepository,
                       clock: Clock) -> list[GeneratedLogin]:
    _, membership = authorize_member(member_id, uai, organizations, memberships)
    chosen = [line for line in learners.roster_lines(membership.organization_id)
              if line.is_active and line.learner_id is not None
              and (learner_ids is None or line.learner_id in learner_ids)
              and (division is None or line.division == division)]
    if not chosen:
        raise LearnerNotFound("no_learner_chosen")
    chosen.sort(key=lambda line: (line.division or "", line.last_name, line.first_name))
    return [_generate(line, learners, users, methods, clock) for line in chosen]


def _generate(line: RosterLine, learners: LearnerLinkRepository, users: UserRepository,
              methods: AuthenticationMethodRepository, clock: Clock) -> GeneratedLogin:
    now, password = clock(), one_time_password()
    link = learners.get(line.learner_id or 0)
    user_id = link.user_id if link is not None else None
    if user_id is None:
        user_id = users.add(User.new(line.first_name, line.last_name, now)).id or 0
        learners.tie(line.learner_id or 0, user_id, now)
    existing = next((m for m in methods.list_for_user(user_id) if m.is_pix and m.username),
                    None)
    if existing is not None and existing.username:
        methods.update(existing.with_password(hash_password(password), now, must_change=True))
        username = existing.username
    else:
        base = base_username(line.first_name, line.last_name, line.birthdate)
        username = unique_username(base, lambda u: methods.find_pix_by_username(u) is not None)
        methods.add(AuthenticationMethod.for_username(user_id, username, hash_password(password),
                                                      now))
    return GeneratedLogin(line.last_name, line.first_name, line.division, username, password)
