"""SAML metadata both ways: the GAR's (verified, shared through Redis, swapped into every
worker, docs/adr/0005) and ours (pysaml2's SP configuration, the document handed to the GAR)."""
