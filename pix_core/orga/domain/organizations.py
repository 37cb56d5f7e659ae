"""Organisations (schools, by UAI) as Pix Orga sees them.

The model is the roster's ``Organization`` (``roster.domain.learners``): the roster
creates and imports it; Pix Orga names it and asks whether it has a roster.
"""

from __future__ import annotations

from typing import Protocol

from roster.domain.learners import Organization


def has_roster(organization: Organization) -> bool:
    """A SIECLE roster was imported at least once."""
    return organization.siecle_imported_at is not None


def display_name(organization: Organization) -> str:
    return organization.name or organization.uai


class OrganizationRepository(Protocol):
    """The subset of the SIECLE importer's organisation repository that Pix Orga uses."""

    def get_by_uai(self, uai: str, *, for_update: bool = False) -> Organization | None: ...

    def add(self, organization: Organization) -> Organization: ...
