"""Errors of certification; ``kind`` is log-safe (never a code, a name or a password)."""

from __future__ import annotations

from pix_core.shared.domain.errors import PixError


class SessionNotFound(PixError):
    kind = "certification_session_not_found"


class InvalidSession(PixError):
    """A required detail of the session is missing or malformed."""

    kind = "invalid_certification_session"


class SessionClosed(PixError):
    """The action needs another status (enrolling after finalisation, publishing twice...)."""

    kind = "certification_session_closed"


class LearnerCannotEnrol(PixError):
    """Not a learner of this organisation, or one who has left the school."""

    kind = "learner_cannot_enrol"


class InvalidCandidateList(PixError):
    """A CSV of candidates that cannot be read, or naming nobody of the roster."""

    kind = "invalid_candidate_list"


class CandidateNotFound(PixError):
    kind = "certification_candidate_not_found"


class CandidateRefused(PixError):
    """Access code, names or birth date do not match: the same refusal whatever was wrong."""

    kind = "certification_candidate_refused"


class NotEligible(PixError):
    kind = "certification_not_eligible"


class SittingNotAllowed(PixError):
    """Waiting for the supervisor, already finished, or ended by the supervisor."""

    kind = "certification_test_not_allowed"


class SupervisorRefused(PixError):
    kind = "certification_supervisor_refused"


class CertificateNotFound(PixError):
    kind = "certificate_not_found"


class CodeSpaceExhausted(PixError):
    kind = "certification_code_exhausted"


class CodeTaken(PixError):
    kind = "certification_code_taken"
