"""Pix Orga's pages (home, roster, import, members, invitations) and "Avant de commencer"."""
