"""The OpenID Provider's own parts (pyop does the protocol)."""
