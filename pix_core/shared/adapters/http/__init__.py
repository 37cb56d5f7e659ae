"""The web kit: the WSGI application each context adds its pages to, sessions and their
cookie, CSRF, the one error → HTTP table, security headers, probes, metrics, base template."""
