"""Campaigns, target profiles, participations and the dashboard. No I/O."""
