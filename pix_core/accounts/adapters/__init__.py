"""Accounts outside the domain: the OIDC relying party, SQL, the login pages."""
