"""Errors of assessments; ``kind`` is log-safe."""

from __future__ import annotations

from pix_core.shared.domain.errors import PixError


class AssessmentNotFound(PixError):
    """No such assessment for this user (another user's assessment looks absent too)."""

    kind = "assessment_not_found"


class ChallengeNotCurrent(PixError):
    """The answer is for a challenge that is not the one in progress."""

    kind = "challenge_not_current"


class AnswerAlreadyGiven(PixError):
    kind = "answer_already_given"


class AssessmentCompleted(PixError):
    kind = "assessment_completed"


class NothingToAssess(PixError):
    """The target holds no skill with a challenge (unknown competence, empty profile)."""

    kind = "nothing_to_assess"
