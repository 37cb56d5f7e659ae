"""The OpenID Connect relying party facing the proxy (built on ``oic``)."""
