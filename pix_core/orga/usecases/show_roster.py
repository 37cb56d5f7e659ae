"""The roster page of Pix Orga: the organisation's learners, for its members only."""

from __future__ import annotations

from dataclasses import dataclass

from pix_core.domain.memberships import (
    Membership,
    MembershipRepository,
    Organization,
    OrganizationRepository,
    RosterLine,
)
from pix_core.domain.reconciliation import LearnerLinkRepository
from pix_core.usecases.authorize_member import authorize_member


@dataclass(frozen=True)
class Roster:
    organization: Organization
    membership: Membership
    lines: list[RosterLine]


def show_roster(
    user_id: int,
    uai: str,
    organizations: OrganizationRepository,
    memberships: MembershipRepository,
    learners: LearnerLinkRepository,
) -> Roster:
    organization, membership = authorize_member(user_id, uai, organizations, memberships)
    lines = sorted(
        learners.roster_lines(membership.organization_id),
        key=lambda line: (not line.is_active, line.division or "", line.last_name,
                          line.first_name),
    )
    return Roster(organization, membership, lines)
