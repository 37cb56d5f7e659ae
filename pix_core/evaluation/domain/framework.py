"""The Pix framework (référentiel): 5 areas holding 16 competences, and its content.

``PIX_FRAMEWORK`` is the bare framework (areas and competences). The learning content
(tubes, skills, challenges) is data read from ``evaluation/content/`` and checked by
``build_content`` in ``domain/content.py``: it gives a :class:`LearningContent`, whose
``framework`` has the same shape with ``Competence.tube_ids`` filled in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True)
class Competence:
    """A competence such as ``1.1 Mener une recherche et une veille d'information``."""

    code: str
    name: str
    area_code: str
    tube_ids: tuple[str, ...] = field(default=())

    @property
    def title(self) -> str:
        return f"{self.code} {self.name}"


@dataclass(frozen=True)
class Area:
    """An area (domaine) grouping competences, e.g. ``1. Information et données``."""

    code: str
    name: str
    competences: tuple[Competence, ...]


@dataclass(frozen=True)
class Framework:
    """The whole framework, areas in display order."""

    areas: tuple[Area, ...]

    @property
    def competences(self) -> tuple[Competence, ...]:
        return tuple(c for area in self.areas for c in area.competences)

    def competence(self, code: str) -> Competence:
        for competence in self.competences:
            if competence.code == code:
                return competence
        raise KeyError(code)


def _area(code: str, name: str, *competences: str) -> Area:
    return Area(
        code=code,
        name=name,
        competences=tuple(
            Competence(code=f"{code}.{i}", name=title, area_code=code)
            for i, title in enumerate(competences, start=1)
        ),
    )


PIX_FRAMEWORK = Framework(
    areas=(
        _area(
            "1",
            "Information et données",
            "Mener une recherche et une veille d'information",
            "Gérer des données",
            "Traiter des données",
        ),
        _area(
            "2",
            "Communication et collaboration",
            "Interagir",
            "Partager et publier",
            "Collaborer",
            "S'insérer dans le monde numérique",
        ),
        _area(
            "3",
            "Création de contenu",
            "Développer des documents textuels",
            "Développer des documents multimédia",
            "Adapter les documents à leur finalité",
            "Programmer",
        ),
        _area(
            "4",
            "Protection et sécurité",
            "Sécuriser l'environnement numérique",
            "Protéger les données personnelles et la vie privée",
            "Protéger la santé, le bien-être et l'environnement",
        ),
        _area(
            "5",
            "Environnement numérique",
            "Résoudre des problèmes techniques",
            "Construire un environnement numérique",
        ),
    )
)


class ChallengeType(StrEnum):
    QCU = "qcu"  # one correct choice
    QCM = "qcm"  # several correct choices, all required
    QROC = "qroc"  # short free answer, compared after normalisation


def normalize_free_answer(text: str) -> str:
    """Case, accents and spaces do not count: ``" Ctrl + C "`` equals ``"ctrl+c"``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    no_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", "", no_accents)


@dataclass(frozen=True)
class Challenge:
    """A question testing one skill. ``solution`` holds 1-based choice numbers.

    Answers are strings as a form sends them: ``"2"`` (qcu), ``"1,3"`` (qcm, any
    order), free text (qroc).
    """

    id: str
    skill_id: str
    type: ChallengeType
    instruction: str
    choices: tuple[str, ...] = ()
    solution: tuple[int, ...] = ()
    accepted: tuple[str, ...] = ()

    def is_correct(self, answer: str) -> bool:
        if self.type is ChallengeType.QROC:
            given = normalize_free_answer(answer)
            return bool(given) and given in {normalize_free_answer(a) for a in self.accepted}
        return _choice_numbers(answer) == set(self.solution)

    def __repr__(self) -> str:  # the solution stays out of logs and pages
        return f"Challenge(id={self.id!r}, type={self.type.value})"


def _choice_numbers(answer: str) -> set[int] | None:
    parts = [p.strip() for p in answer.split(",") if p.strip()]
    if not parts or not all(p.isdigit() for p in parts):
        return None
    return {int(p) for p in parts}


@dataclass(frozen=True)
class Skill:
    """An ``@<tube><level>`` skill, e.g. ``@recherche3``."""

    id: str
    tube_id: str
    level: int
    competence_code: str
    challenge_ids: tuple[str, ...]


@dataclass(frozen=True)
class Tube:
    """A topic within a competence; its skills are in increasing level order."""

    id: str
    name: str
    competence_code: str
    skill_ids: tuple[str, ...]


@dataclass(frozen=True)
class LearningContent:
    """The framework with its tubes, skills and challenges, indexed by id."""

    framework: Framework
    tubes: Mapping[str, Tube]
    skills: Mapping[str, Skill]
    challenges: Mapping[str, Challenge]

    def skills_of_competence(self, code: str) -> tuple[Skill, ...]:
        competence = self.framework.competence(code)
        return tuple(
            self.skills[s] for t in competence.tube_ids for s in self.tubes[t].skill_ids
        )

    def tube_skills(self, skill_id: str) -> tuple[Skill, ...]:
        """The skills of ``skill_id``'s tube, easiest first."""
        tube = self.tubes[self.skills[skill_id].tube_id]
        return tuple(self.skills[s] for s in tube.skill_ids)
