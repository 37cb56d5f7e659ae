"""The roster in the database: tables, repositories, and the proxy's read-only view."""
