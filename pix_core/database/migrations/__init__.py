"""Alembic environment and revisions for pix_core (run through ``migrate.upgrade``)."""
