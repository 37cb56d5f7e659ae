"""What the proxy tells its operators: the audit trail (docs/adr/0007), Prometheus metrics
(docs/adr/0008), ``/healthz`` and ``/readyz``, the login's request id (docs/adr/0009)."""
