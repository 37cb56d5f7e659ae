"""Memberships, invitations and the roster as Pix Orga and reconciliation see it, in SQL."""
