"""SQL shared by pix_core and the roster: one declarative base (one metadata), the engine,
and the Alembic helpers both apps' migration runners use."""
