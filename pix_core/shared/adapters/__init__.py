"""Adapters every context shares: the web kit (``http``), the attempt counters (``sql``)."""
