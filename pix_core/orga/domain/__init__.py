"""Organisations, memberships, invitations, roster learners and reconciliation. No I/O."""
