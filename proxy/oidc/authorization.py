"""The OpenID Provider's rules for an authorization request, before pyop sees it.

The plugin (``proxy/plugins/pix_backend.py``) applies them in this order: a known client
and redirect URI (else an error page, never a redirect), PKCE with S256, no
``prompt=none``, no request objects nor dynamic registration. A refusal that may go back
to the relying party is an error redirect (RFC 6749 §4.1.2.1) without personal data.
"""

from __future__ import annotations

LOGIN_HINT = "pixgar.login_hint"
"""Context decoration under which the OP hands the ``login_hint`` of an authorization request
to the GAR-facing service provider (OpenID Connect third-party initiated login)."""
