"""The SP metadata handed to the GAR at registration (``pixgar metadata export``)."""

from __future__ import annotations

from saml2.config import SPConfig
from saml2.metadata import create_metadata_string

from proxy.config import sp_config
from proxy.keys import load_keys
from proxy.rotation import publish_in_metadata, published_certs
from proxy.settings import ProxySettings


def export_sp_metadata(settings: ProxySettings, valid_hours: int = 24 * 365) -> str:
    """The SP's signed-nothing metadata XML: entityID, ACS, signing and encryption certs."""
    keys = load_keys(settings)
    config = SPConfig().load(sp_config(settings, keys, metadata=None))
    xml = create_metadata_string(None, config=config, valid=valid_hours).decode("utf-8")
    return publish_in_metadata(xml, published_certs(settings, keys))  # keyring
