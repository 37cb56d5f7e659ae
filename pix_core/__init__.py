"""The lean Pix, one package per context, as Pix's own ``api/src/<context>/``.

``accounts`` (users, login methods, GAR and Pix Orga logins, sessions), ``orga`` (Pix Orga:
organisations, members, invitations, the roster, "Avant de commencer"), ``evaluation``
(framework, content bank, positioning, scoring, profile, assessments) and ``campaigns``
(campaigns, participations, dashboard) each hold ``domain/`` (models and rules, no I/O),
``usecases/`` (one verb per module, repositories passed in) and ``adapters/`` (SQL, web,
OIDC). ``shared`` is what every context uses (base error, rate limiting, the web kit).
``app.create_app(settings)`` wires them; ``database`` is their one transaction and schema.
"""
