"""This year's file against the roster in store: who is new, changed, unchanged or gone."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from roster.domain.learners import Learner, LearnerData


@dataclass(frozen=True)
class RosterPlan:
    to_create: list[Learner] = field(default_factory=list)
    to_update: list[Learner] = field(default_factory=list)
    gone: list[Learner] = field(default_factory=list)
    unchanged: int = 0


def plan_roster(organization_id: int, existing: Iterable[Learner],
                incoming: Sequence[LearnerData], now: datetime) -> RosterPlan:
    """Learners are found by INE; absent ones are marked gone, never deleted."""
    by_ine = {learner.ine: learner for learner in existing}
    to_create, to_update, unchanged = [], [], 0
    for data in incoming:
        known = by_ine.pop(data.ine, None)
        if known is None:
            to_create.append(Learner.new(organization_id, data, now))
            continue
        renewed = known.renewed(data, now)
        if renewed is known:
            unchanged += 1
        else:
            to_update.append(renewed)
    gone = [learner.gone(now) for learner in by_ine.values() if learner.is_active]
    return RosterPlan(to_create, to_update, gone, unchanged)


@dataclass(frozen=True)
class ImportReport:
    """What an import did (counts only: safe to log and to show)."""

    created: int
    updated: int
    unchanged: int
    marked_gone: int
    skipped: dict[str, int]
    organization_created: bool = False
