"""Reading SIECLE exports: XML (raw or zipped) and the semicolon CSV variant."""

from roster.reading.reader import read_roster_file

__all__ = ["read_roster_file"]
