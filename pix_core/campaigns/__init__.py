"""Campaigns ("parcours"): created in Pix Orga for a target profile, joined by pupils
with a code, one participation each, results shared with the organisation (dashboard, CSV)."""
