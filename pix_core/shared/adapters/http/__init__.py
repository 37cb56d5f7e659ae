"""The web adapter: routes, templates, static files, error pages."""
