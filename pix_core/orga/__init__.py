"""Pix Orga as pix_core sees it: organisations, memberships, invitations, the roster page
and its upload, and "Avant de commencer" (tying a pupil's account to the roster)."""
