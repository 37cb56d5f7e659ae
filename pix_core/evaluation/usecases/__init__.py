"""Evaluation use cases: one verb per module, repositories, content and clock passed in.

``repos`` is anything with ``assessments``, ``answers`` and ``knowledge_elements``
(``domain.assessments.AssessmentRepositories``; the SQL unit of work has them),
``content`` the ``LearningContent`` (``adapters.content_bank.default_content()``).
The caller commits the unit of work.

* ``start_assessment(repos, content, clock, rng, *, user_id, target_skill_ids, kind,
  competence_code=None, campaign_participation_id=None) -> Assessment``
* ``start_competence_evaluation(repos, content, clock, rng, *, user_id, competence_code,
  max_open_level) -> Assessment`` (resumes the started one)
* ``show_current_challenge(repos, content, *, assessment_id, user_id) -> CurrentChallenge``
* ``answer_challenge(repos, content, clock, rng, *, assessment_id, user_id, challenge_id,
  answer) -> AnswerOutcome`` (``correct``, ``finished``, ``assessment``)
* ``show_assessment_result(repos, content, *, assessment_id, user_id, max_open_level)
  -> AssessmentResultView``
* ``compute_profile(knowledge_elements, content, *, user_id, max_open_level) -> Scores``
* ``show_profile(user_id, users, content, ...) -> ProfilePage``

Errors: ``domain.errors`` (``AssessmentNotFound``, ``ChallengeNotCurrent``,
``AnswerAlreadyGiven``, ``AssessmentCompleted``, ``NothingToAssess``).
"""
