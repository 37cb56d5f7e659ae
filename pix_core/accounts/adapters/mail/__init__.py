"""Mail out through SMTP (``SMTP_URL``), sent off the request thread."""
