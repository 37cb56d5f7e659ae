"""The school roster (SIECLE), shared by pix_core and the proxy.

- ``domain/``: learners, organisations, name normalisation and matching, the import rules
  and their error codes; no I/O.
- ``usecases/``: ``import_siecle_roster``, the one import (Pix Orga, ``pixgar siecle
  import``, the demo seed); storage, file reader and clock passed in.
- ``reading/``: SIECLE files (XML, zipped XML, Pix Orga's CSV) into the domain's records.
- ``sql/``: the ``organizations`` and ``organization_learners`` tables (on the shared
  metadata of ``kernel.sql.base``), their repositories, and ``RosterReader``, the proxy's
  read-only view for matching.

It imports only ``kernel``; pix_core and the proxy import it (docs/adr/0012-package-graph.md).
"""
