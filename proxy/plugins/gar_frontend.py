"""The proxy's SAML 2.0 service provider facing the GAR.

Naming: this project names plugin files after the party they face. This file faces the
GAR, so it holds what SATOSA calls a *backend* module (it talks to the identity provider),
:class:`GarServiceProvider`. Its counterpart ``pix_backend.py`` holds the OpenID Provider
facing Pix, a SATOSA *frontend* module.

What it adds to SATOSA's stock ``SAMLBackend``:
- AuthnRequests signed, sent over HTTP-Redirect with the RelayState the GAR requires
  (the resource URL);
- outstanding request IDs and seen assertion IDs in Redis (single use, every worker);
- responses verified, decrypted and read in process by :mod:`proxy.saml`, with the strict
  checks pysaml2 leaves out (Destination, Recipient, InResponseTo, audience, size) and
  no ``xmlsec1`` process (docs/adr/0013);
- unsolicited responses completed through OpenID Connect third-party initiated login;
- the GAR attribute profile (multi-valued, ``##`` fields parsed), no NameID used as key.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from time import monotonic
from typing import Any

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from satosa.backends.saml2 import SAMLBackend
from satosa.context import Context
from satosa.internal import AuthenticationInformation, InternalData
from satosa.response import Response, SeeOther
from satosa.saml_util import make_saml_response

from proxy.errors import SamlResponseRejected, SessionExpired
from proxy.keys.rotation import publish_in_metadata
from proxy.metadata.gar_metadata import MetadataWatcher, watcher_from_config
from proxy.observability.pysaml2_logs import withhold_pysaml2_details
from proxy.oidc.clients import RelyingParty
from proxy.oidc.initiated_login import LOGIN_HINT, initiate_login_url, party_for_target
from proxy.saml.algorithms import DIGEST_ALGORITHM, SIGNATURE_ALGORITHM
from proxy.saml.attributes import local_names
from proxy.saml.gar_profile import structure_attributes
from proxy.saml.keys import IdpSigningKeys, decryption_keys
from proxy.saml.response import Expected, ResponseReader, VerifiedResponse
from proxy.saml.xmlsec1_version import probing_version_once
from proxy.stores.connection import ReplicaAcks, hashed, redis_client
from proxy.stores.pending_requests import PendingRequests
from proxy.stores.replay_cache import ReplayCache
from proxy.stores.unsolicited_logins import UnsolicitedLogins

logger = logging.getLogger(__name__)

METADATA_REBUILD_SECONDS = 600  # each copy says validUntil = its build time + 4 hours


class GarServiceProvider(SAMLBackend):  # type: ignore[misc]  # satosa: untyped
    """SATOSA backend module: the SAML service provider the GAR answers."""

    def __init__(self, outgoing: Callable[..., Any], internal_attributes: Mapping[str, Any],
                 config: Mapping[str, Any], base_url: str, name: str) -> None:
        super().__init__(outgoing, internal_attributes, config, base_url, name)
        withhold_pysaml2_details()
        self.sp.sec.crypto = probing_version_once(self.sp.sec.crypto)  # saml/xmlsec1_version.py
        gar = config["gar"]
        client = redis_client(gar["redis_url"])
        self.pending = PendingRequests(client, gar["request_ttl"])
        self.replay_cache = ReplayCache(client, gar["accepted_time_diff"],
                                        ReplicaAcks.for_url(client, gar["redis_url"]))
        self.unsolicited_logins = UnsolicitedLogins(client, gar["unsolicited_ttl"])
        self.relay_state: str = gar["relay_state"]
        self.allow_unsolicited: bool = gar["allow_unsolicited"]
        self.oidc_issuer: str = gar["oidc_issuer"]
        self.relying_parties = [RelyingParty.from_config(e) for e in gar["relying_parties"]]
        self.max_response_bytes: int = gar["max_response_bytes"]
        self.acs_url: str = self._use_first_acs(None)[0]
        self.published_certs = gar.get("published_certs")
        self._metadata_copy: tuple[float, str | None] = (0.0, None)
        self.reader = self._response_reader(gar)
        self.metadata_watcher: MetadataWatcher | None = None
        if gar.get("metadata"):  # the GAR metadata refresh (docs/adr/0005)
            self.metadata_watcher = watcher_from_config(gar["metadata"], client)

    def _response_reader(self, gar: Mapping[str, Any]) -> ResponseReader:
        """Verifies and reads responses in process (proxy/saml, docs/adr/0013)."""
        sp_config = self.sp.config
        expected = Expected(sp_entity_id=sp_config.entityid, acs_url=self.acs_url,
                            accepted_time_diff=gar["accepted_time_diff"],
                            want_response_signed=bool(self.sp.want_response_signed))
        return ResponseReader(expected, IdpSigningKeys(lambda: self.sp.metadata),
                              decryption_keys(sp_config.encryption_keypairs or []),
                              local_names(sp_config.attribute_converters,
                                          bool(sp_config.allow_unknown_attributes)))

    def _metadata_endpoint(self, context: Context) -> Response:
        """The SP metadata at the entityID URL, with the keyring's current and next certs.

        Built at most every ``METADATA_REBUILD_SECONDS``: pysaml2 spends about 0.15 s and
        an ``xmlsec1`` process on each copy, for anyone who asks. A keyring change
        rebuilds the whole application, so no copy outlives the keys it shows.
        """
        built_at, document = self._metadata_copy
        if document is None or monotonic() - built_at >= METADATA_REBUILD_SECONDS:
            document = super()._metadata_endpoint(context).message
            if self.published_certs:
                document = publish_in_metadata(document, self.published_certs)
            self._metadata_copy = (monotonic(), document)
        return Response(document, content="text/xml")

    def _current_metadata(self) -> None:
        """Swap in newly published GAR metadata; refuse (503) when it expired."""
        if self.metadata_watcher is not None:
            self.metadata_watcher.ensure_current(self.sp)

    # -- SP-initiated login ------------------------------------------------------------

    def start_auth(self, context: Context, internal_req: InternalData) -> Any:
        """Finish a pending unsolicited login if the OP got its handle, else ask the GAR."""
        self._current_metadata()
        handle = context.get_decoration(LOGIN_HINT)
        if handle:
            identity = self._redeem_unsolicited(context, handle)
            if identity is not None:
                return self.auth_callback_func(context, identity)
            logger.info("unsolicited login handle unknown, used or foreign; asking the GAR")
        return super().start_auth(context, internal_req)

    def authn_request(self, context: Context, entity_id: str) -> Any:
        """Send a signed AuthnRequest over HTTP-Redirect, RelayState = the resource URL."""
        request_id, binding, http_info = self.sp.prepare_for_negotiated_authenticate(
            entityid=entity_id,
            relay_state=self.relay_state,
            binding=BINDING_HTTP_REDIRECT,
            response_binding=BINDING_HTTP_POST,
            assertion_consumer_service_url=self.acs_url,
            sign=True,
            sigalg=SIGNATURE_ALGORITHM,
            digest_alg=DIGEST_ALGORITHM,
        )
        self.pending.remember(request_id)
        context.state[self.name] = {"request_id": request_id}
        logger.info("authn request sent to the GAR")
        return make_saml_response(binding, http_info)

    # -- the assertion consumer service --------------------------------------------------

    def authn_response(self, context: Context, binding: str) -> Any:
        """Verify the GAR's response, then finish the login it belongs to."""
        self._current_metadata()
        saml_response = (context.request or {}).get("SAMLResponse")
        if not saml_response:
            raise SamlResponseRejected("missing_saml_response")
        if len(saml_response) > self.max_response_bytes:
            raise SamlResponseRejected("oversized_response")
        response = self.reader.read(saml_response)  # parsed once, checked once: proxy/saml
        self._check_request(context, response)
        self._remember_assertion(response)
        identity = self._translate_response(response)
        context.state.pop(self.name, None)
        if response.in_response_to:
            logger.info("GAR response accepted")
            return self.auth_callback_func(context, identity)
        return self._hand_over_unsolicited(context, identity)

    def _check_request(self, context: Context, response: VerifiedResponse) -> None:
        """An answer to the request this browser's login sent (once), or unsolicited if allowed."""
        request_id = self._consume_pending_request(context)
        if response.in_response_to and response.in_response_to != request_id:
            raise SessionExpired("unknown_or_used_in_response_to")
        if not response.in_response_to and not self.allow_unsolicited:
            raise SamlResponseRejected("unsolicited_disabled")

    def _consume_pending_request(self, context: Context) -> str | None:
        request_id = context.state.get(self.name, {}).get("request_id")
        if request_id and self.pending.consume(request_id):
            return str(request_id)
        return None

    def _remember_assertion(self, response: VerifiedResponse) -> None:
        now = dt.datetime.now(dt.UTC)
        if not self.replay_cache.first_time(response.issuer, response.assertion_id,
                                            response.valid_until, now):
            raise SamlResponseRejected("replayed_assertion")

    def _translate_response(self, response: VerifiedResponse) -> InternalData:
        """The GAR's attributes as internal data; the transient NameID is deliberately unused."""
        attributes = self.converter.to_internal(self.attribute_profile, response.attributes)
        return InternalData(
            auth_info=AuthenticationInformation(
                auth_class_ref=response.authn_context_class, timestamp=response.authn_instant,
                issuer=response.issuer,
            ),
            attributes=structure_attributes(attributes),
        )

    # -- unsolicited responses: OpenID Connect third-party initiated login ---------------

    def _hand_over_unsolicited(self, context: Context, identity: InternalData) -> SeeOther:
        """OpenID Connect third-party initiated login (proxy/oidc/initiated_login.py)."""
        relay_state = (context.request or {}).get("RelayState", "")
        party = party_for_target(self.relying_parties, relay_state)
        if party is None:
            raise SamlResponseRejected("relay_state_not_allowed")
        handle = self.unsolicited_logins.put(identity.to_dict())
        context.state[self.name] = {"unsolicited": hashed(handle)}
        logger.info("unsolicited GAR response accepted; handing over to the relying party")
        return SeeOther(initiate_login_url(party, self.oidc_issuer, relay_state, handle))

    def _redeem_unsolicited(self, context: Context, handle: str) -> InternalData | None:
        bound = context.state.get(self.name, {}).get("unsolicited")
        if bound != hashed(handle):
            return None
        identity = self.unsolicited_logins.take(handle)
        context.state.pop(self.name, None)
        return InternalData.from_dict(identity) if identity is not None else None
