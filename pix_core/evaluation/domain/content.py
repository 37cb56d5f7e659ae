"""Checking learning content (tubes, skills, challenges) read from content files.

``build_content(documents)`` takes ``(source, data)`` pairs, one per competence file,
already parsed (YAML/JSON), and returns a :class:`LearningContent`, or raises
:class:`ContentError` naming the file and the entry at fault. A document looks like::

    competence: "1.1"
    tubes:
      - id: recherche
        name: Moteurs de recherche
        skills:
          - id: "@recherche1"
            level: 1
            challenges:
              - {id: recherche1a, type: qcu, instruction: "…", choices: [a, b], solution: [2]}
              - {id: recherche1b, type: qroc, instruction: "…", accepted: ["google"]}
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from pix_core.evaluation.domain.framework import (
    PIX_FRAMEWORK,
    Area,
    Challenge,
    ChallengeType,
    Framework,
    LearningContent,
    Skill,
    Tube,
)

MIN_LEVEL, MAX_LEVEL = 1, 8
TUBE_ID = re.compile(r"^[a-z][a-z0-9]*$")


class ContentError(ValueError):
    """Invalid content: the message names the file and the entry."""

    def __init__(self, source: str, entry: str, problem: str) -> None:
        super().__init__(f"{source}: {entry}: {problem}")
        self.source, self.entry, self.problem = source, entry, problem


class _Builder:
    def __init__(self, framework: Framework) -> None:
        self.framework = framework
        self.codes = {c.code for c in framework.competences}
        self.tube_ids_by_competence: dict[str, list[str]] = {}
        self.tubes: dict[str, Tube] = {}
        self.skills: dict[str, Skill] = {}
        self.challenges: dict[str, Challenge] = {}

    def document(self, source: str, data: Any) -> None:
        if not isinstance(data, Mapping):
            raise ContentError(source, "document", "expected a mapping")
        code = str(data.get("competence", ""))
        if code not in self.codes:
            raise ContentError(source, f"competence {code!r}", "unknown competence")
        if code in self.tube_ids_by_competence:
            raise ContentError(source, f"competence {code}", "competence given twice")
        tubes = data.get("tubes")
        if not isinstance(tubes, list) or not tubes:
            raise ContentError(source, f"competence {code}", "no tubes")
        self.tube_ids_by_competence[code] = [self.tube(source, code, t) for t in tubes]

    def tube(self, source: str, code: str, data: Any) -> str:
        tube_id = str(data.get("id", "")) if isinstance(data, Mapping) else ""
        entry = f"tube {tube_id!r}"
        if not TUBE_ID.match(tube_id):
            raise ContentError(source, entry, "tube id must be lower-case letters and digits")
        if tube_id in self.tubes:
            raise ContentError(source, entry, "duplicate tube id")
        skills = data.get("skills")
        if not isinstance(skills, list) or not skills:
            raise ContentError(source, entry, "no skills")
        built = sorted((self.skill(source, code, tube_id, s) for s in skills),
                       key=lambda s: s.level)
        if len({s.level for s in built}) != len(built):
            raise ContentError(source, entry, "two skills at the same level")
        self.tubes[tube_id] = Tube(tube_id, str(data.get("name") or tube_id), code,
                                   tuple(s.id for s in built))
        return tube_id

    def skill(self, source: str, code: str, tube_id: str, data: Any) -> Skill:
        skill_id = str(data.get("id", "")) if isinstance(data, Mapping) else ""
        entry = f"skill {skill_id!r}"
        level = data.get("level") if isinstance(data, Mapping) else None
        if not isinstance(level, int) or isinstance(level, bool) or not (
            MIN_LEVEL <= level <= MAX_LEVEL
        ):
            raise ContentError(source, entry, f"level must be {MIN_LEVEL}..{MAX_LEVEL}")
        if skill_id != f"@{tube_id}{level}":
            raise ContentError(source, entry, f"skill id must be '@{tube_id}{level}'")
        if skill_id in self.skills:
            raise ContentError(source, entry, "duplicate skill id")
        challenges = data.get("challenges")
        if not isinstance(challenges, list) or not challenges:
            raise ContentError(source, entry, "skill without challenge")
        ids = tuple(self.challenge(source, skill_id, c) for c in challenges)
        skill = Skill(skill_id, tube_id, level, code, ids)
        self.skills[skill_id] = skill
        return skill

    def challenge(self, source: str, skill_id: str, data: Any) -> str:
        challenge_id = str(data.get("id", "")) if isinstance(data, Mapping) else ""
        entry = f"challenge {challenge_id!r}"
        if not challenge_id:
            raise ContentError(source, f"{entry} of {skill_id}", "challenge without id")
        if challenge_id in self.challenges:
            raise ContentError(source, entry, "duplicate challenge id")
        try:
            kind = ChallengeType(data.get("type"))
        except ValueError:
            raise ContentError(source, entry, "type must be qcu, qcm or qroc") from None
        instruction = str(data.get("instruction") or "").strip()
        if not instruction:
            raise ContentError(source, entry, "no instruction")
        choices = tuple(str(c) for c in data.get("choices") or ())
        solution = tuple(data.get("solution") or ())
        accepted = tuple(str(a) for a in data.get("accepted") or () if str(a).strip())
        _check_answers(source, entry, kind, choices, solution, accepted)
        self.challenges[challenge_id] = Challenge(
            challenge_id, skill_id, kind, instruction, choices, solution, accepted
        )
        return challenge_id

    def build(self) -> LearningContent:
        areas = tuple(
            Area(a.code, a.name, tuple(
                replace(c, tube_ids=tuple(self.tube_ids_by_competence.get(c.code, ())))
                for c in a.competences
            ))
            for a in self.framework.areas
        )
        return LearningContent(Framework(areas), self.tubes, self.skills, self.challenges)


def _check_answers(
    source: str,
    entry: str,
    kind: ChallengeType,
    choices: tuple[str, ...],
    solution: tuple[Any, ...],
    accepted: tuple[str, ...],
) -> None:
    if kind is ChallengeType.QROC:
        if not accepted:
            raise ContentError(source, entry, "qroc without accepted answers")
        return
    if len(choices) < 2:
        raise ContentError(source, entry, f"{kind.value} needs at least two choices")
    if not all(isinstance(n, int) and 1 <= n <= len(choices) for n in solution):
        raise ContentError(source, entry, "solution must be choice numbers (from 1)")
    if kind is ChallengeType.QCU and len(set(solution)) != 1:
        raise ContentError(source, entry, "qcu needs exactly one correct choice")
    if kind is ChallengeType.QCM and not solution:
        raise ContentError(source, entry, "qcm without correct choice")


def build_content(
    documents: Iterable[tuple[str, Any]], framework: Framework = PIX_FRAMEWORK
) -> LearningContent:
    """Check every document and index its content (see the module docstring)."""
    builder = _Builder(framework)
    for source, data in documents:
        builder.document(source, data)
    return builder.build()
