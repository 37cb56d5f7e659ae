"""The SP metadata handed to the GAR at registration (``pixgar metadata export``)."""

from __future__ import annotations

from saml2.config import SPConfig
from saml2.metadata import create_metadata_string

from proxy.config import sp_config
from proxy.keys import load_keys
from proxy.settings import ProxySettings


def export_sp_metadata(settings: ProxySettings, valid_hours: int = 24 * 365) -> str:
    """The SP's signed-nothing metadata XML: entityID, ACS, signing and encryption certs."""
    config = SPConfig().load(sp_config(settings, load_keys(settings), metadata=None))
    return create_metadata_string(None, config=config, valid=valid_hours).decode("utf-8")
