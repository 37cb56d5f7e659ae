"""Our SAML service provider as the GAR sees it: pysaml2's SP configuration and its metadata.

:func:`sp_config` is what the GAR-facing plugin starts with; :func:`export_sp_metadata` is
the document handed to the GAR at registration (``pixgar metadata export``).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from saml2 import BINDING_HTTP_POST
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_TRANSIENT

from proxy.keys.files import ProxyKeys, load_keys
from proxy.keys.rotation import publish_in_metadata, published_certs, saml_key_config
from proxy.saml.algorithms import DIGEST_ALGORITHM, SIGNATURE_ALGORITHM
from proxy.settings import ProxySettings, load_yaml

BACKEND_NAME = "gar"
GAR_ATTRIBUTES = ("IDO", "UAI", "PRO", "NOM", "PRE", "CIV", "DIV", "GRO", "P_MEL", "P_MS",
                  "P_MS4", "E_MS", "idENT")
REQUIRED_GAR_ATTRIBUTES = {"IDO", "UAI", "PRO"}


def sp_entity_id(settings: ProxySettings) -> str:
    """The SP entityID, which the GAR requires to be the URL its metadata is served at."""
    return f"{settings.base_url}/{BACKEND_NAME}/metadata"


def acs_url(settings: ProxySettings) -> str:
    return f"{settings.base_url}/{BACKEND_NAME}/acs/post"


def sp_config(settings: ProxySettings, keys: ProxyKeys, metadata: Path | None) -> dict[str, Any]:
    """pysaml2's SP configuration for the GAR-facing service provider."""
    policy = load_yaml(settings, "proxy.yaml")["saml"]
    config: dict[str, Any] = {
        "entityid": sp_entity_id(settings),
        "name": "Pix",
        "description": "Pix, la plateforme d'évaluation des compétences numériques",
        "key_file": str(keys.saml_key),
        "cert_file": str(keys.saml_cert),
        "encryption_keypairs": [
            {"key_file": str(keys.saml_encryption_key),
             "cert_file": str(keys.saml_encryption_cert)}
        ],
        "accepted_time_diff": policy["accepted_time_diff"],
        "allow_unknown_attributes": True,
        "signing_algorithm": SIGNATURE_ALGORITHM,
        "digest_algorithm": DIGEST_ALGORITHM,
        "xmlsec_binary": shutil.which("xmlsec1"),
        "service": {
            "sp": {
                "authn_requests_signed": True,
                "want_response_signed": policy["want_response_signed"],
                "want_assertions_signed": True,
                "allow_unsolicited": settings.allow_unsolicited,
                "name_id_format": [NAMEID_FORMAT_TRANSIENT],
                "endpoints": {
                    "assertion_consumer_service": [(acs_url(settings), BINDING_HTTP_POST)],
                },
                "requested_attribute_name_format": NAME_FORMAT_URI,
                "required_attributes": [a for a in GAR_ATTRIBUTES if a in REQUIRED_GAR_ATTRIBUTES],
                "optional_attributes": [a for a in GAR_ATTRIBUTES
                                        if a not in REQUIRED_GAR_ATTRIBUTES],
            }
        },
    }
    config.update(saml_key_config(settings, keys))  # keyring: current, next, retiring keys
    if metadata is not None:
        config["metadata"] = {"local": [str(metadata)]}
    return config


def export_sp_metadata(settings: ProxySettings, valid_hours: int = 24 * 365) -> str:
    """The SP's signed-nothing metadata XML: entityID, ACS, signing and encryption certs."""
    keys = load_keys(settings)
    config = SPConfig().load(sp_config(settings, keys, metadata=None))
    xml = create_metadata_string(None, config=config, valid=valid_hours).decode("utf-8")
    return publish_in_metadata(xml, published_certs(settings, keys))  # keyring
