"""Pix Orga outside the domain: SQL, the roster importer, the pages."""
