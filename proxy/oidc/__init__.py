"""The OpenID Provider's rules, apart from SATOSA's plugin API: the relying parties, the
authorization request's checks, client authentication, the claims each client may receive."""
