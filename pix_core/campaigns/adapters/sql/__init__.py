"""Campaigns and participations in SQL."""
