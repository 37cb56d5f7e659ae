"""The baseline: a stock SATOSA (its own ``SAMLBackend`` + ``OpenIDConnectFrontend``).

Shared by ``pixgar bench`` (served by gunicorn: ``python -m pixgar.bench.stock_satosa``,
with the settings of ``pixgar serve``) and ``benchmarks/login_vs_stock_satosa.py``
(in-process). Configured with the same SP entityID, ACS URL, signing and encryption keys,
GAR IdP metadata and relying party ``pix`` as our proxy; pyop's storage in the Redis of
``REDIS_URL``.

What stock SATOSA needs to accept the simulator's responses: backend named ``gar`` under
the same BASE, so its ACS is ``/gar/acs/post`` and its entityID ``/gar/metadata`` as in
the SP metadata the simulator holds; ``authn_requests_signed`` with RSA-SHA256 (the
simulator refuses SHA-1); the simulator's signed metadata as a local file;
``accepted_time_diff`` as ours. Signature checks stay on: ``want_assertions_signed`` and
``want_response_signed`` true (the simulator signs both). Stock SATOSA sends a random
RelayState (and checks it on the way back against its state cookie) where the GAR
requires the resource URL: the simulator's RelayState rule is switched off while it
answers a stock AuthnRequest (:func:`relaxed_relay_state`; its other checks stay).
Stock SATOSA would release the GAR's classes and groups as raw ``code##label`` strings,
where the contract (docs/contract.md) has objects that pix_core reads: it does not
release them (``gar_classes``, ``gar_groups``), so that pix_core can log its pupils in.

Several processes: SATOSA keeps the ids of outstanding AuthnRequests in a dict per
process, so with ``allow_unsolicited: false`` a response reaching another gunicorn
worker than its request is refused. Served by several workers, the baseline runs as
SATOSA's example configuration does (``allow_unsolicited: true``): the same checks per
response minus that lookup.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import secrets
import shutil
from pathlib import Path
from typing import Any
from unittest import mock

SHA256_SIGNATURE = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA256_DIGEST = "http://www.w3.org/2001/04/xmlenc#sha256"


def stock_config(env: dict[str, str], data_dir: Path,
                 several_processes: bool = False) -> dict[str, Any]:
    """A stock SATOSA configuration: SATOSA's own SAML backend and OIDC frontend only.

    Same BASE, SP entityID, ACS, SAML keys, IdP metadata and relying party as our proxy;
    the keys are read from the same place ours are (``proxy.keys.files``, ``proxy.keys.rotation``).
    The state encryption key and the ``sub`` salt are drawn here: build the configuration
    once and hand the same one to every worker.
    """
    from saml2 import BINDING_HTTP_POST
    from saml2.saml import NAMEID_FORMAT_TRANSIENT

    from proxy.config import provider_policy, pyop_redis_uri
    from proxy.keys.files import load_keys
    from proxy.keys.rotation import saml_key_config
    from proxy.metadata.service_provider import acs_url, sp_entity_id
    from proxy.settings import ProxySettings, load_yaml

    settings = ProxySettings.from_env(env)
    keys = load_keys(settings)
    policy = load_yaml(settings, "proxy.yaml")
    party = settings.relying_parties["pix"]
    sp_config: dict[str, Any] = {
        "entityid": sp_entity_id(settings),
        "metadata": {"local": [env["GAR_IDP_METADATA"]]},
        "accepted_time_diff": policy["saml"]["accepted_time_diff"],
        "allow_unknown_attributes": True,
        "signing_algorithm": SHA256_SIGNATURE,
        "digest_algorithm": SHA256_DIGEST,
        "xmlsec_binary": shutil.which("xmlsec1"),
        "service": {"sp": {
            "authn_requests_signed": True,
            "want_response_signed": True,
            "want_assertions_signed": True,
            "allow_unsolicited": several_processes,  # see the module's docstring
            "signing_algorithm": SHA256_SIGNATURE,  # pysaml2 reads these per service
            "digest_algorithm": SHA256_DIGEST,
            "name_id_format": [NAMEID_FORMAT_TRANSIENT],
            "endpoints": {"assertion_consumer_service": [(acs_url(settings),
                                                          BINDING_HTTP_POST)]},
        }},
    }
    sp_config.update(saml_key_config(settings, keys))  # key_file, cert_file, encryption pairs
    clients_file = data_dir / "stock-clients.json"
    clients_file.write_text(json.dumps({party.client_id: {
        "client_id": party.client_id, "client_name": party.name,
        "client_secret": party.secret.reveal(), "redirect_uris": list(party.redirect_uris),
        "response_types": ["code"], "token_endpoint_auth_method": "client_secret_basic",
    }}), encoding="utf-8")
    oidc = policy["oidc"]
    internal_attributes = load_yaml(settings, "internal_attributes.yaml")
    internal_attributes["user_id_from_attrs"] = ["ido"]
    for raw in ("classes", "groups"):  # "code##label" as is: not the contract's objects,
        internal_attributes["attributes"][raw].pop("openid", None)  # which pix_core reads
    return {
        "BASE": settings.base_url,
        "COOKIE_STATE_NAME": "SATOSA_STATE",
        "COOKIE_SECURE": True,
        "STATE_ENCRYPTION_KEY": secrets.token_urlsafe(32),
        "CONTEXT_STATE_DELETE": True,
        "INTERNAL_ATTRIBUTES": internal_attributes,
        "LOGGING": {"version": 1, "incremental": True},  # keep the process's logging as is
        "BACKEND_MODULES": [{"module": "satosa.backends.saml2.SAMLBackend", "name": "gar",
                             "config": {"sp_config": sp_config}}],
        "FRONTEND_MODULES": [{
            "module": "satosa.frontends.openid_connect.OpenIDConnectFrontend", "name": "pix",
            "config": {
                "signing_key_path": str(keys.oidc_signing_key),
                "db_uri": pyop_redis_uri(settings.redis_url),
                "client_db_path": str(clients_file),
                "sub_hash_salt": secrets.token_hex(16),
                "provider": provider_policy(oidc),  # the same policy as ours
            },
        }],
        "MICRO_SERVICES": [],
    }


def build_stock(config: dict[str, Any]) -> Any:
    """The stock SATOSA WSGI application of ``config`` (see :func:`stock_config`)."""
    from satosa.proxy_server import make_app
    from satosa.satosa_config import SATOSAConfig

    return make_app(SATOSAConfig(copy.deepcopy(config)))  # SATOSA may change what it reads


def relaxed_relay_state() -> contextlib.AbstractContextManager[Any]:
    """The simulator without the GAR's RelayState rule (stock sends a random RelayState)."""
    import gar_sim.idp

    return mock.patch.object(gar_sim.idp, "relay_state_matches", return_value=True)


def serve_stock() -> int:
    """Serve the stock SATOSA of this process's environment (a stack's) on gunicorn.

    The environment is a development stack's (``pixgar.stack.stack_environment``) plus
    ``pixgar serve``'s (``PORT``, ``WEB_CONCURRENCY``, ``TLS_CERT_FILE``...).
    """
    from pixgar.serve import run_gunicorn

    env = dict(os.environ)
    config = stock_config(env, Path(env["PIXGAR_DATA_DIR"]), several_processes=True)
    build_stock(config)  # a configuration error shows here, once, not in every worker
    run_gunicorn(lambda: build_stock(config), 8443)
    return 0


if __name__ == "__main__":
    raise SystemExit(serve_stock())
