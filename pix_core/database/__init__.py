"""The database as a whole: one unit of work over every context's repositories, and the
schema's Alembic migrations (``migrate.upgrade``)."""
