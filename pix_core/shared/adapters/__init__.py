"""Adapters: the world outside the domain (database, identity provider, web)."""
