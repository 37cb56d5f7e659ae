"""The school roster (SIECLE) and how a person is found in it; no I/O here."""
