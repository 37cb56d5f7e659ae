"""The shared kernel: the few helpers every part of pix-gar needs.

Secrets (``secret``), the request id that follows a login (``request_id``), logging
(``logging_setup``, ``json_logging``), the ``/metrics`` endpoint (``metrics_endpoint``),
development keys (``devkeys``), OAuth error codes (``oauth``), the clock type (``clock``)
and the SQL base every table derives from (``sql``). It imports no application package
(docs/adr/0012-package-graph.md).
"""
