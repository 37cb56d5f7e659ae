"""Build the profile page of a logged-in user."""

from __future__ import annotations

from pix_core.accounts.domain.errors import UserNotFound
from pix_core.accounts.domain.repositories import UserRepository
from pix_core.evaluation.domain.assessments import KnowledgeElementRepository
from pix_core.evaluation.domain.framework import Framework, LearningContent
from pix_core.evaluation.domain.profile import Profile
from pix_core.evaluation.domain.scoring import DEFAULT_MAX_OPEN_LEVEL
from pix_core.evaluation.usecases.compute_profile import compute_profile


def show_profile(
    user_id: int,
    users: UserRepository,
    framework: Framework,
    knowledge_elements: KnowledgeElementRepository | None = None,
    content: LearningContent | None = None,
    max_open_level: int = DEFAULT_MAX_OPEN_LEVEL,
) -> Profile:
    """Scores come from the knowledge elements (0 pix, level 0 without them)."""
    user = users.get(user_id)
    if user is None:
        raise UserNotFound()
    pix = None
    if knowledge_elements is not None and content is not None:
        scores = compute_profile(
            knowledge_elements, content, user_id=user_id, max_open_level=max_open_level
        )
        pix = scores.pix_by_competence
    return Profile.build(user.first_name, user.last_name, framework, pix, max_open_level)
