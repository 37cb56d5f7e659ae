"""Campaigns outside the domain: SQL, the link to evaluation's assessments, the pages."""
