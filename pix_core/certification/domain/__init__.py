"""Certification rules: codes, eligibility, challenge selection, timing, scoring. No I/O."""
