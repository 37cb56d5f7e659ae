"""A throwaway pysaml2 service provider for the GAR simulator's tests.

Signature checks are never turned off: the SP wants signed assertions (and signed
responses when the simulator signs them).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import entity_descriptor
from saml2.sigver import get_xmlsec_binary
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from gar_sim.settings import SimSettings, default_resources
from gar_sim.signed_metadata import write_idp_metadata
from kernel.devkeys import ensure_self_signed_cert

PROXY = "https://localhost:8443"
PIX = "https://localhost:8444"
GAR = "https://localhost:9443"
ENT = "https://localhost:9444"
SP_ENTITY_ID = f"{PROXY}/gar/metadata"
ACS_URL = f"{PROXY}/gar/acs/post"


def sp_config(
    tmp: Path,
    *,
    idp_metadata: Path | None,
    want_response_signed: bool = True,
    allow_unsolicited: bool = False,
    with_encryption_key: bool = True,
) -> SPConfig:
    key, cert = ensure_self_signed_cert(tmp / "sp.key", tmp / "sp.crt", "test SP")
    enc_key, enc_cert = ensure_self_signed_cert(
        tmp / "sp-enc.key", tmp / "sp-enc.crt", "test SP enc"
    )
    conf: dict[str, Any] = {
        "entityid": SP_ENTITY_ID,
        "service": {
            "sp": {
                "endpoints": {"assertion_consumer_service": [(ACS_URL, BINDING_HTTP_POST)]},
                "authn_requests_signed": True,
                "want_response_signed": want_response_signed,
                "want_assertions_signed": True,
                "want_assertions_or_response_signed": True,
                "allow_unsolicited": allow_unsolicited,
                # pysaml2 reads these per service ("sp"), not at the top level
                "signing_algorithm": SIG_RSA_SHA256,
                "digest_algorithm": DIGEST_SHA256,
                "name_id_format": ["urn:oasis:names:tc:SAML:2.0:nameid-format:transient"],
            }
        },
        "key_file": str(key),
        "cert_file": str(cert),
        "xmlsec_binary": get_xmlsec_binary(),
        # pysaml2's SP reads this one at the top level only (GAR names are "unknown")
        "allow_unknown_attributes": True,
        "delete_tmpfiles": True,
    }
    if with_encryption_key:
        conf["encryption_keypairs"] = [{"key_file": str(enc_key), "cert_file": str(enc_cert)}]
    if idp_metadata is not None:
        conf["metadata"] = {"local": [str(idp_metadata)]}
    config = SPConfig()
    config.load(conf)
    return config


@dataclass
class Setup:
    settings: SimSettings
    idp_metadata: Path
    sp_metadata: Path
    tmp: Path

    def client(self, **kwargs: Any) -> Saml2Client:
        return Saml2Client(config=sp_config(self.tmp, idp_metadata=self.idp_metadata, **kwargs))

    def signed_request_query(self, relay_state: str = PIX, **kwargs: Any) -> tuple[str, str]:
        """(request id, query string) of a signed HTTP-Redirect AuthnRequest."""
        client = self.client(**kwargs)
        req_id, info = client.prepare_for_authenticate(
            entityid=self.settings.idp_entity_id,
            relay_state=relay_state,
            binding=BINDING_HTTP_REDIRECT,
            sign=True,
        )
        location = dict(info["headers"])["Location"]
        return req_id, location.split("?", 1)[1]


def make_setup(
    tmp: Path,
    *,
    sign_response: bool = True,
    encrypt_assertion: bool = False,
    name_format: str = "uri",
    with_encryption_key: bool = True,
) -> Setup:
    sp_md = tmp / "sp-metadata.xml"
    sp_md.write_text(
        str(
            entity_descriptor(
                sp_config(tmp, idp_metadata=None, with_encryption_key=with_encryption_key)
            )
        ),
        encoding="utf-8",
    )
    settings = SimSettings(
        base_url=GAR,
        data_dir=tmp / "data",
        sp_metadata_path=sp_md,
        resources=default_resources(GAR, PROXY, PIX),
        sign_response=sign_response,
        encrypt_assertion=encrypt_assertion,
        attribute_name_format=name_format,  # type: ignore[arg-type]
        ent_base_url=ENT,
    )
    idp_md = write_idp_metadata(settings, tmp / "idp-metadata.xml")
    return Setup(settings=settings, idp_metadata=idp_md, sp_metadata=sp_md, tmp=tmp)
