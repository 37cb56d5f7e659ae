"""A GAR simulator and a pysaml2 service provider in a temporary folder, no server.

The in-process verifier is built from the SP's configuration the way the GAR-facing
plugin builds it (metadata keys, encryption key pairs, attribute converters).
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from lxml import etree
from saml2.client import Saml2Client

from gar_sim.idp import SimulatedGar
from gar_sim.users import get_user
from proxy.saml.attributes import local_names
from proxy.saml.keys import IdpSigningKeys, decryption_keys
from proxy.saml.response import Expected, ResponseReader
from tests.support import saml_forge as forge
from tests.support.saml_corpus import PUPIL
from tests.unit.gar_sim.gar_sim_helpers import ACS_URL, SP_ENTITY_ID, Setup, make_setup

REQUEST_ID = "id-request-under-test"


@dataclass
class World:
    """The simulator, the SP that trusts it, and genuine responses to one AuthnRequest."""

    setup: Setup
    gar: SimulatedGar
    client: Saml2Client
    keys: forge.KeyPair = field(init=False)
    encryption_cert_pem: bytes = field(init=False)

    def __post_init__(self) -> None:
        self.keys = forge.gar_keys(self.setup.settings)
        self.encryption_cert_pem = Path(self.setup.tmp / "sp-enc.crt").read_bytes()

    def response_b64(self, user_id: str = PUPIL, **overrides) -> str:
        return self.gar.build_response(get_user(user_id), sp_entity_id=SP_ENTITY_ID,
                                       acs_url=ACS_URL, in_response_to=REQUEST_ID,
                                       **overrides)

    def response(self, user_id: str = PUPIL, **overrides) -> etree._Element:
        return forge.decode(self.response_b64(user_id, **overrides))

    def reader(self, *, want_response_signed: bool = False, now: dt.datetime | None = None,
               ) -> ResponseReader:
        config = self.client.config
        expected = Expected(SP_ENTITY_ID, ACS_URL, accepted_time_diff=60,
                            want_response_signed=want_response_signed)
        clock = (lambda: now) if now else (lambda: dt.datetime.now(dt.UTC))
        return ResponseReader(expected, IdpSigningKeys(lambda: self.client.metadata),
                              decryption_keys(config.encryption_keypairs),
                              local_names(config.attribute_converters, True), clock=clock)


@pytest.fixture(scope="session")
def world(tmp_path_factory) -> World:
    setup = make_setup(tmp_path_factory.mktemp("saml"), sign_response=True)
    return World(setup, SimulatedGar(setup.settings), setup.client(want_response_signed=False))


def xml_of(saml_response: str) -> bytes:
    return base64.b64decode(saml_response)
