"""Build the profile page of a logged-in user."""

from __future__ import annotations

from pix_core.domain.errors import UserNotFound
from pix_core.domain.framework import Framework
from pix_core.domain.profile import Profile
from pix_core.domain.repositories import UserRepository


def show_profile(user_id: int, users: UserRepository, framework: Framework) -> Profile:
    """No answers are stored yet, so every competence is at 0 pix, level 0."""
    user = users.get(user_id)
    if user is None:
        raise UserNotFound()
    return Profile.build(user.first_name, user.last_name, framework)
