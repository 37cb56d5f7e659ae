"""In-memory assessment, answer and knowledge element repositories."""

from __future__ import annotations

from dataclasses import replace

from pix_core.evaluation.domain.errors import AnswerAlreadyGiven


class InMemoryAssessments:
    def __init__(self):
        self.rows = {}

    def add(self, assessment):
        stored = replace(assessment, id=len(self.rows) + 1)
        self.rows[stored.id] = stored
        return stored

    def get(self, assessment_id):
        return self.rows.get(assessment_id)

    def update(self, assessment):
        assert assessment.id in self.rows
        self.rows[assessment.id] = assessment

    def list_for_user(self, user_id):
        return [a for _, a in sorted(self.rows.items()) if a.user_id == user_id]


class InMemoryAnswers:
    def __init__(self, assessments: InMemoryAssessments):
        self.assessments = assessments
        self.rows = []

    def add(self, answer):
        if any((a.assessment_id, a.challenge_id) == (answer.assessment_id, answer.challenge_id)
               for a in self.rows):
            raise AnswerAlreadyGiven()
        self.rows.append(answer)

    def list_for_assessment(self, assessment_id):
        return [a for a in self.rows if a.assessment_id == assessment_id]

    def challenge_ids_for_user(self, user_id):
        mine = {i for i, a in self.assessments.rows.items() if a.user_id == user_id}
        return {a.challenge_id for a in self.rows if a.assessment_id in mine}


class InMemoryKnowledgeElements:
    def __init__(self):
        self.rows = []

    def add_many(self, elements):
        self.rows.extend(elements)

    def list_for_user(self, user_id):
        return [e for e in self.rows if e.user_id == user_id]


class InMemoryAssessmentRepositories:
    """Satisfies ``AssessmentRepositories`` (and mixes into fake units of work)."""

    def __init__(self):
        self.assessments = InMemoryAssessments()
        self.answers = InMemoryAnswers(self.assessments)
        self.knowledge_elements = InMemoryKnowledgeElements()
