"""The Pix framework (référentiel): 5 areas holding 16 competences.

It is data, not code: a later issue adds tubes, skills and challenges under each
competence, read from a content release, without changing the shape below.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
