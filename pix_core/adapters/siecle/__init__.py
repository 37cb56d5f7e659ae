"""Reading SIECLE exports: XML (raw or zipped) and the semicolon CSV variant."""

from pix_core.adapters.siecle.reader import read_roster_file

__all__ = ["read_roster_file"]
