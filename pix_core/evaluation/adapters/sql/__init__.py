"""Assessments, answers and knowledge elements in SQL."""
