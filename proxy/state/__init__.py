"""SATOSA's state between the redirects of a login: a cookie sealed with AES-256-GCM
(docs/adr/0010)."""
