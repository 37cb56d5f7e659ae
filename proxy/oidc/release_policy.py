"""Attribute release policy: the claims each relying party may receive.

The policy is `config/release_policy.yaml`.

The OpenID Provider (``proxy/plugins/pix_backend.py``) stores for a login only the claims
the policy allows the requesting client; userinfo and the ID token both read that store,
so nothing else can leave the proxy. ``sub`` is always released. The policy is checked at
start: an unknown claim name or client stops the proxy with a precise message.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterable, Mapping
from typing import Any

logger = logging.getLogger(__name__)

POLICY_FILE = "release_policy.yaml"
ALWAYS_RELEASED = frozenset({"sub"})

# the claims allowed for the login being answered by this request (None: nothing allowed)
_allowed_now: contextvars.ContextVar[frozenset[str] | None] = contextvars.ContextVar(
    "pixgar_release_allowed", default=None)


class ReleasePolicyError(ValueError):
    """The release policy cannot be used; the message names the file, client and claim."""


def openid_claim_names(internal_attributes: Mapping[str, Any]) -> set[str]:
    """Every claim name ``internal_attributes.yaml`` maps an internal attribute to."""
    names: set[str] = set()
    for spec in (internal_attributes.get("attributes") or {}).values():
        names.update((spec or {}).get("openid") or ())
    return names


def parse_policy(document: Mapping[str, Any], known_claims: Iterable[str],
                 known_clients: Iterable[str], source: str = POLICY_FILE
                 ) -> dict[str, list[str]]:
    """Check ``document`` (``{"clients": {id: [claim, ...]}}``) and return it as a dict."""
    claims, clients = set(known_claims) | ALWAYS_RELEASED, set(known_clients)
    entries = document.get("clients") if isinstance(document, Mapping) else None
    if not isinstance(entries, Mapping):
        raise ReleasePolicyError(f"{source}: expected a 'clients:' mapping of client id to "
                                 "a list of claim names")
    policy: dict[str, list[str]] = {}
    for client_id, listed in entries.items():
        client_id = str(client_id)
        if client_id not in clients:
            raise ReleasePolicyError(
                f"{source}: client {client_id!r} is not a relying party of the clients file "
                f"(known: {', '.join(sorted(clients)) or 'none'})")
        if listed is None:
            listed = []
        if not isinstance(listed, list) or not all(isinstance(c, str) for c in listed):
            raise ReleasePolicyError(f"{source}: client {client_id!r}: expected a list of "
                                     "claim names")
        unknown = [c for c in listed if c not in claims]
        if unknown:
            raise ReleasePolicyError(
                f"{source}: client {client_id!r}: claim {unknown[0]!r} is not an openid name "
                "of internal_attributes.yaml")
        policy[client_id] = sorted(set(listed) | ALWAYS_RELEASED)
    for client_id in sorted(clients - set(policy)):
        logger.warning("release policy: relying party %s is not listed; it receives sub only",
                       client_id)
    return policy


def allowed_claims(policy: Mapping[str, Iterable[str]], client_id: str) -> frozenset[str]:
    return frozenset(policy.get(client_id, ())) | ALWAYS_RELEASED


def filter_claims(claims: Mapping[str, Any], allowed: Iterable[str]) -> dict[str, Any]:
    allowed = set(allowed)
    return {name: value for name, value in claims.items() if name in allowed}


class releasing_for:
    """``with releasing_for(allowed):`` the claims store accepts only ``allowed`` claims."""

    def __init__(self, allowed: frozenset[str]) -> None:
        self._allowed = allowed

    def __enter__(self) -> releasing_for:
        self._token = _allowed_now.set(self._allowed)
        return self

    def __exit__(self, *exc_info: object) -> None:
        _allowed_now.reset(self._token)


class PolicyFilteredClaims:
    """The OP's claims store (pyop storage), filtered on write by the current policy.

    Outside :class:`releasing_for` nothing but ``sub`` is stored: fail closed.
    """

    def __init__(self, store: Any) -> None:  # pyop's storage: untyped
        self._store = store

    def __setitem__(self, key: str, claims: Mapping[str, Any]) -> None:
        allowed = _allowed_now.get() or ALWAYS_RELEASED
        self._store[key] = filter_claims(claims, allowed)

    def __getitem__(self, key: str) -> Any:
        return self._store[key]

    def __delitem__(self, key: str) -> None:
        del self._store[key]

    def __contains__(self, key: object) -> bool:
        return key in self._store

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)
