"""Audit and metrics around SATOSA's login path, under ``proxy.app.ProxyApplication``.

Kept apart from app.py so that the error pages, the audit of refusals and the step
timings live in one module: every refused login gets an audit event whose id is the
reference on the page; the steps of a login are timed for ``/metrics``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from contextlib import suppress
from typing import Any, Protocol

from oic.oic import scope2claims
from satosa.context import Context
from satosa.internal import InternalData
from satosa.proxy_server import WsgiApplication

from proxy.errors import MethodNotAllowed, NotFound, ProxyError, ServiceUnavailable
from proxy.observability.audit import (
    REFUSED,
    RELEASED,
    AuditLog,
    AuditUnavailable,
    client_of_state,
    login_event,
)
from proxy.observability.metrics import STEP_SECONDS, count_login, timed

logger = logging.getLogger(__name__)

AUDIT_CONFIG_KEY = "PIXGAR_AUDIT"
_STARTED = "_pixgar_step_started"


class AuditingProvider(Protocol):
    """What the audit of a release needs of the OpenID Provider (plugins/pix_backend.py)."""

    provider: Any  # pyop's Provider: untyped
    user_db: Any  # pyop's storage, filtered by the release policy
    audit: AuditLog | None


class ObservedLogins(WsgiApplication):  # type: ignore[misc]  # satosa: untyped
    """SATOSA's ``WsgiApplication`` with the refusal audit and per-step latency."""

    def __init__(self, config: Any) -> None:  # satosa.satosa_config.SATOSAConfig
        super().__init__(config)
        audit_config = config.get(AUDIT_CONFIG_KEY)
        self.audit = AuditLog(audit_config) if audit_config else None
        # metadata expiry and age, key ages: computed at scrape (proxy.app.gauges_of)

    def audit_refusal(self, context: Context | None, error: ProxyError) -> str | None:
        """Record a refused request as a login event; its id becomes the page's reference."""
        if isinstance(error, NotFound | MethodNotAllowed) or self.audit is None:
            return None  # a stray URL or method is not a login
        client = error.client_id or (
            client_of_state(context) if context is not None else None)
        count_login(REFUSED, error.code, client)
        path = getattr(context, "path", None)
        return self.audit.try_record(login_event(outcome=REFUSED, client_id=client,
                                                 reason=error.code, step=path))

    def start_clock(self, context: Context) -> None:
        """The first thing a request does: start the clock of the ACS step."""
        setattr(context, _STARTED, time.perf_counter())

    def _auth_resp_callback_func(self, context: Context, internal_response: InternalData
                                 ) -> Any:
        """The GAR's response is verified: time the ACS, then the microservices."""
        _observe_since(context, "acs")
        return super()._auth_resp_callback_func(context, internal_response)

    def _auth_resp_finish(self, context: Context, internal_response: InternalData) -> Any:
        _observe_since(context, "microservices")
        with timed("authorization"):
            return super()._auth_resp_finish(context, internal_response)


def _observe_since(context: Context, step: str) -> None:
    started = getattr(context, _STARTED, None)
    now = time.perf_counter()
    if started is not None:
        STEP_SECONDS.labels(step=step).observe(now - started)
    setattr(context, _STARTED, now)


def released_claim_names(provider: Any, stored: Mapping[str, Any], granted_scope: str
                         ) -> list[str]:
    """The names of the claims the relying party can read: stored (policy-filtered), in scope."""
    in_scope = set(scope2claims(  # type: ignore[no-untyped-call]  # oic: untyped
        granted_scope.split(), extra_scope_dict=provider.extra_scopes))
    return sorted({"sub"} | {name for name in stored if name in in_scope})


def audit_release(frontend: AuditingProvider, code: str, client_id: str,
                  internal_resp: InternalData) -> str:
    """Record the release of ``code``'s claims; when that fails, revoke the code and refuse.

    ``frontend`` is the OpenID Provider (proxy/plugins/pix_backend.py).
    """
    codes = frontend.provider.authz_state.authorization_codes
    granted = codes[code]
    try:
        stored = dict(frontend.user_db[internal_resp.subject_id])
    except KeyError:
        stored = {}
    attributes = internal_resp.attributes or {}
    auth_info = internal_resp.auth_info
    event = login_event(
        outcome=RELEASED, client_id=client_id, reason="ok",
        sub=granted["sub"],  # pyop's pairwise sub, as the relying party sees it
        uai=_first(attributes.get("uai")),
        claims=released_claim_names(frontend.provider, stored, granted.get("granted_scope", "")),
        siecle_match=_first(attributes.get("siecle_match")),
        class_ref=getattr(auth_info, "auth_class_ref", None),
        issuer=getattr(auth_info, "issuer", None), step="authorization")
    if frontend.audit is None:
        return ""
    try:
        event_id = frontend.audit.record(event)
    except AuditUnavailable:
        with suppress(KeyError):
            del codes[code]  # never delivered, and now unusable: nothing is released
        raise ServiceUnavailable("audit_unavailable", client_id) from None
    count_login(RELEASED, "ok", client_id)
    return event_id


def audit_authorization_refusal(frontend: AuditingProvider, client_id: str | None,
                                reason: str) -> None:
    """An authorization request refused with an error redirect to the relying party.

    Best effort: the relying party learns of the refusal from the redirect, nothing is
    released, so a failed audit write does not change the answer.
    """
    count_login(REFUSED, reason, client_id)
    if frontend.audit is not None:
        frontend.audit.try_record(login_event(outcome=REFUSED, client_id=client_id,
                                              reason=reason, step="authorization_request"))


def audit_backend_error(frontend: AuditingProvider, client_id: str | None) -> None:
    """The GAR refused or failed the login: a refusal event, the relying party is told."""
    count_login(REFUSED, "idp_error", client_id)
    if frontend.audit is not None:
        frontend.audit.try_record(login_event(outcome=REFUSED, client_id=client_id,
                                              reason="idp_error", step="gar"))


def _first(values: Any) -> str | None:
    if isinstance(values, list | tuple):
        return str(values[0]) if values else None
    return str(values) if values else None
