"""Evaluation: the framework, the content bank (``content/``), adaptive positioning,
scoring, the profile and assessments (a sitting of challenges: a competence evaluation or a
campaign's)."""
