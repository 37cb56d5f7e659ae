"""Tell whether a GAR account belongs to school staff (teacher, librarian, ...).

Pix Orga explains to staff how to get an e-mail account (an invitation from the
school's Pix Orga administrator); the profiles are those of the latest GAR login.
"""

from __future__ import annotations

from pix_core.accounts.domain.repositories import AuthenticationMethodRepository
from pix_core.accounts.domain.users import latest_gar_school


def is_gar_staff(user_id: int, methods: AuthenticationMethodRepository) -> bool:
    school = latest_gar_school(methods.list_for_user(user_id))
    return school is not None and school.is_staff
