"""Tell whether a GAR account belongs to school staff (teacher, librarian, ...).

Pix Orga explains to staff how to get an e-mail account (an invitation from the
school's Pix Orga administrator); the profiles are those of the latest GAR login.
"""

from __future__ import annotations

from pix_core.domain.invitations import is_staff
from pix_core.domain.repositories import AuthenticationMethodRepository
from pix_core.domain.users import IdentityProvider


def is_gar_staff(user_id: int, methods: AuthenticationMethodRepository) -> bool:
    gar = [m for m in methods.list_for_user(user_id)
           if m.identity_provider is IdentityProvider.GAR and m.school is not None]
    if not gar:
        return False
    latest = max(gar, key=lambda m: (m.last_logged_at or m.created_at, m.id or 0))
    return latest.school is not None and is_staff(latest.school.profiles)
