"""Target profiles: the skills a campaign evaluates, picked as whole competences or tubes.

The picks come from the content bank through a ``TargetCatalog``; the campaign keeps
the resulting skill ids and a description naming what was chosen.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from pix_core.campaigns.domain.errors import InvalidCampaign


@dataclass(frozen=True)
class TargetChoice:
    """One pick of the campaign form: a whole competence or a tube, and the skills it holds.

    ``label`` names it in a campaign's target description (``1.1 · Recherche``); ``name``
    is its line in the form, under its competence (``Recherche``; the label when empty).
    """

    kind: str  # "competence" | "tube"
    id: str
    label: str
    skill_ids: tuple[str, ...]
    name: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class TargetCompetence:
    """A competence of the form: the whole of it, or some of its tubes."""

    whole: TargetChoice
    tubes: tuple[TargetChoice, ...]


@dataclass(frozen=True)
class TargetArea:
    """An area of the framework and its competences that have content, in form order."""

    code: str
    name: str
    competences: tuple[TargetCompetence, ...]


def choices_of(areas: Iterable[TargetArea]) -> list[TargetChoice]:
    """Every pick, area by area: each competence, then its tubes."""
    return [choice for area in areas for competence in area.competences
            for choice in (competence.whole, *competence.tubes)]


@dataclass(frozen=True)
class TargetProfile:
    skill_ids: tuple[str, ...]
    description: str

    @classmethod
    def of(cls, choices: Sequence[TargetChoice]) -> TargetProfile:
        """The skills of every choice; a tube inside a whole competence chosen too adds
        nothing, so the description names the competence alone."""
        skills = tuple(dict.fromkeys(s for choice in choices for s in choice.skill_ids))
        if not skills:
            raise InvalidCampaign("empty_target_profile")
        wholes = [set(c.skill_ids) for c in choices if c.kind == "competence"]
        named = [c for c in choices
                 if c.kind == "competence" or not any(set(c.skill_ids) <= w for w in wholes)]
        return cls(skills, " ; ".join(choice.label for choice in named))


class TargetCatalog(Protocol):
    """What the campaign form may target (built from the content bank)."""

    def areas(self) -> list[TargetArea]:
        """The picks grouped area → competence → tubes, as the form shows them."""
        ...

    def choices(self) -> list[TargetChoice]:
        """The same picks in one list (``choices_of(areas())``)."""
        ...
