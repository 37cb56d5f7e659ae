"""The profile, competence evaluations and the assessment pages (challenge, result)."""
