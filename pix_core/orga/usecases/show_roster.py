"""The roster page of Pix Orga: the organisation's learners, for its members only."""

from __future__ import annotations

from dataclasses import dataclass

from pix_core.orga.domain.learners import LearnerLinkRepository, RosterLine
from pix_core.orga.domain.memberships import Membership, MembershipRepository
from pix_core.orga.domain.organizations import OrganizationRepository
from pix_core.orga.usecases.authorize_member import authorize_member
from roster.domain.learners import Organization


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
