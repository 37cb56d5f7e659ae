"""The simulator's identity as an IdP: its signing keys, pysaml2's IdP configuration and the
unsigned metadata document (signed for publication by ``gar_sim/signed_metadata.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from saml2 import BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAMEID_FORMAT_TRANSIENT
from saml2.sigver import get_xmlsec_binary
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from gar_sim.settings import SimSettings
from kernel.devkeys import ensure_self_signed_cert


class SsoRefused(Exception):
    """The simulator refuses a request; ``message`` is shown to the user (French)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def idp_key_paths(settings: SimSettings, rogue: bool = False) -> tuple[Path, Path]:
    """The simulator's signing key and certificate, generated on first run in the data dir.

    ``rogue=True`` gives a second key pair that no metadata knows (negative tests).
    """
    directory = settings.data_dir / "gar_sim"
    stem = "rogue-signing" if rogue else "idp-signing"
    return ensure_self_signed_cert(
        directory / f"{stem}.key",
        directory / f"{stem}.crt",
        common_name="Simulateur GAR (rogue)" if rogue else "Simulateur GAR (developpement)",
    )


def idp_config(
    settings: SimSettings,
    *,
    want_authn_requests_signed: bool,
    with_sp_metadata: bool,
    rogue: bool = False,
) -> IdPConfig:
    key_path, cert_path = idp_key_paths(settings, rogue=rogue)
    base = settings.base_url
    conf: dict[str, Any] = {
        "entityid": settings.idp_entity_id,
        "description": "Simulateur GAR (développement et tests uniquement)",
        "service": {
            "idp": {
                "name": "Simulateur GAR",
                "endpoints": {
                    "single_sign_on_service": [(f"{base}/idp/sso", BINDING_HTTP_REDIRECT)],
                },
                "name_id_format": [NAMEID_FORMAT_TRANSIENT],
                "want_authn_requests_signed": want_authn_requests_signed,
                "sign_assertion": True,
                "sign_response": settings.sign_response,
                # pysaml2 reads these per service ("idp"); top-level values are ignored
                "signing_algorithm": SIG_RSA_SHA256,
                "digest_algorithm": DIGEST_SHA256,
            },
        },
        "key_file": str(key_path),
        "cert_file": str(cert_path),
        "xmlsec_binary": settings.xmlsec_binary or get_xmlsec_binary(),
        "signing_algorithm": SIG_RSA_SHA256,
        "digest_algorithm": DIGEST_SHA256,
        "delete_tmpfiles": True,
        "accepted_time_diff": 60,
    }
    if with_sp_metadata:
        paths = [str(p) for p in settings.sp_metadata_paths]
        missing = [p for p in settings.sp_metadata_paths if not p.is_file()]
        if missing:
            raise SsoRefused(
                "Le simulateur GAR ne trouve pas les métadonnées du fournisseur de service.",
                status=503,
            )
        conf["metadata"] = {"local": paths}
    config = IdPConfig()
    config.load(conf)
    return config


def idp_metadata_xml(settings: SimSettings) -> str:
    """The IdP metadata document (entityID ``{base}/idp/metadata``, signing certificate)."""
    config = idp_config(settings, want_authn_requests_signed=True, with_sp_metadata=False)
    return str(entity_descriptor(config))
