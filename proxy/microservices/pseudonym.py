"""Response microservice: the stable pseudonym pix_core receives instead of the GAR's IDO.

The subject of every GAR login becomes ``HMAC-SHA256(secret, "gar-ido:v1:" + IDO)``; the
OpenID Provider then derives a pairwise ``sub`` per relying party from it. The raw IDO is
dropped from the attributes here, so nothing after this point (pyop, Redis, pix_core)
ever holds it.
"""

from __future__ import annotations

import hashlib
import hmac

from satosa.micro_services.base import ResponseMicroService

from proxy.errors import SamlResponseRejected


def pseudonym(secret: str, ido: str) -> str:
    """The pseudonym of a GAR identifier under ``secret`` (hex, 64 characters)."""
    message = f"gar-ido:v1:{ido.strip().lower()}".encode()
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


class GarPseudonym(ResponseMicroService):
    """Replace the IDO with its pseudonym as the subject of the login."""

    def __init__(self, config, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._secret: str = config["secret"]

    def process(self, context, data):
        values = data.attributes.pop("ido", None) or []
        if len(values) != 1 or not str(values[0]).strip():
            raise SamlResponseRejected("missing_or_ambiguous_ido")
        data.subject_id = pseudonym(self._secret, str(values[0]))
        return super().process(context, data)
