"""The supervisor of a room: the session's number and its supervisor password.

Only a session still open may be supervised; a wrong number or password gives the same
``SupervisorRefused``.
"""

from __future__ import annotations

from pix_core.certification.domain.errors import SupervisorRefused
from pix_core.certification.domain.sessions import (
    CertificationSession,
    SessionRepository,
    supervisor_password_matches,
)


def log_in_as_supervisor(session_id: int, password: str, *, sessions: SessionRepository
                         ) -> CertificationSession:
    session = sessions.get(session_id)
    if session is None or not session.is_open or not supervisor_password_matches(
            session, password):
        raise SupervisorRefused()
    return session
