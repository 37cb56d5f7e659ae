"""Positioning cost for a pupil with a full history (all 16 competences evaluated).

Prints the time to choose the next challenge (pure domain, on the pupil's whole
knowledge) and to compute the profile, in memory and through SQLite (repositories +
use case, what a page pays). Run: ``.venv/bin/python benchmarks/positioning.py``.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime

from kernel.sql.engine import make_engine
from pix_core.accounts.domain.users import User
from pix_core.database.migrate import upgrade
from pix_core.database.unit_of_work import unit_of_work_factory
from pix_core.evaluation.adapters.content_bank import default_content
from pix_core.evaluation.domain.assessments import latest_by_skill
from pix_core.evaluation.domain.framework import Challenge, ChallengeType
from pix_core.evaluation.domain.positioning import competence_target, next_challenge
from pix_core.evaluation.usecases.answer_challenge import answer_challenge
from pix_core.evaluation.usecases.compute_profile import compute_profile
from pix_core.evaluation.usecases.start_competence_evaluation import start_competence_evaluation

NOW = datetime(2025, 1, 28, tzinfo=UTC)
CONTENT = default_content()


def _answer(challenge: Challenge, rng: random.Random) -> str:
    if rng.random() < 0.35:
        return "faux"
    if challenge.type is ChallengeType.QROC:
        return challenge.accepted[0]
    return ",".join(map(str, challenge.solution))


def _timed(label: str, runs: int, action: Callable[[], object]) -> None:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    print(f"{label:<58} median {statistics.median(samples):7.3f} ms"
          f"   p95 {sorted(samples)[int(runs * 0.95) - 1]:7.3f} ms   ({runs} runs)")


def main() -> None:
    rng = random.Random(2025)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        engine = make_engine(url)
        factory = unit_of_work_factory(engine)
        with factory() as uow:
            user = uow.users.add(User.new("Flora", "Dupont", NOW))
            asked = 0
            for competence in CONTENT.framework.competences:
                assessment = start_competence_evaluation(
                    uow, CONTENT, lambda: NOW, rng, user_id=user.id,
                    competence_code=competence.code, max_open_level=5)
                while not assessment.is_completed:
                    challenge = CONTENT.challenges[assessment.current_challenge_id]
                    assessment = answer_challenge(
                        uow, CONTENT, lambda: NOW, rng, assessment_id=assessment.id,
                        user_id=user.id, challenge_id=challenge.id,
                        answer=_answer(challenge, rng)).assessment
                    asked += 1
            uow.commit()
            elements = uow.knowledge_elements.list_for_user(user.id)
        print(f"history: 16 competences evaluated, {asked} answers, "
              f"{len(elements)} knowledge elements")
        known = latest_by_skill(elements)
        target = competence_target(CONTENT, "1.1", 5)
        partial = {k: v for k, v in known.items() if not k.startswith("@recherche")}

        _timed("next challenge (domain, full knowledge, 5 skills left)", 2000,
               lambda: next_challenge(CONTENT, target, partial, [], set(), rng))
        _timed("next challenge (domain, whole content as target)", 500,
               lambda: next_challenge(CONTENT, list(CONTENT.skills), {}, [], set(), rng))

        class Memory:
            def list_for_user(self, _user_id: int) -> list:
                return elements

        _timed("compute profile (in memory)", 500,
               lambda: compute_profile(Memory(), CONTENT, user_id=user.id, max_open_level=5))

        def profile_sql() -> None:
            with factory() as uow:
                compute_profile(uow.knowledge_elements, CONTENT, user_id=user.id,
                                max_open_level=5)

        _timed("compute profile (SQLite: load elements + score)", 200, profile_sql)
        engine.dispose()


if __name__ == "__main__":
    main()
