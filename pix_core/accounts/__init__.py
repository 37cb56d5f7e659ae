"""Accounts: users and their login methods (GAR, e-mail + password), the GAR login
through the proxy (OIDC), Pix Orga's e-mail login, web sessions, passwords."""
