"""Evaluation outside the domain: the content files, SQL, the profile and assessment pages."""
