"""Errors of Pix Orga; ``kind`` is log-safe (never an e-mail, a name or a UAI)."""

from __future__ import annotations

from pix_core.shared.domain.errors import PixError


class OrganizationNotFound(PixError):
    kind = "organization_not_found"


class MembershipRequired(PixError):
    """The user is not a member of the organisation (or not an administrator of it)."""

    kind = "membership_required"


class InvitationNotFound(PixError):
    """Unknown, expired, or already used."""

    kind = "invitation_not_found"


class InvitationRefused(PixError):
    """The form of the invitation page is incomplete or the password is wrong."""

    kind = "invitation_refused"


class LearnerNotFound(PixError):
    """No current learner of this organisation among those asked for."""

    kind = "learner_not_found"


class RecoveryFormInvalid(PixError):
    kind = "recovery_form_invalid"


class RecoveryNoMatch(PixError):
    """No learner tied to an account matches: the same whatever did not match."""

    kind = "recovery_no_match"
