"""pyop's subject identifiers in Redis, with an owner index and an expiry.

pyop keeps, per user, the pairwise ``sub`` values it handed out, and finds the user of a
``sub`` by scanning them all: SATOSA's Redis storage runs ``KEYS satosa:subject_identifiers*``
and reads every entry, at each token and userinfo request, and the entries never expire.
With a national user base that is a full scan per login and unbounded growth.

Here each ``sub`` also points at its owner (``SET`` with expiry), so the lookup is one
``GET``; both directions expire once no code or access token can still name them. pyop
writes the entry again at every authorization, which renews it.

A user's entry is tagged by the hashed user id (as the user's claims,
proxy/stores/oidc_records.py); an owner key by the hashed ``sub``, the only thing its
reader knows. No command touches both: they are written as independent ``SET``s of the
login step's pipeline (proxy/stores/login_step.py), so a Redis Cluster may place them apart.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import redis
from pyop.authz_state import AuthorizationState
from pyop.exceptions import InvalidSubjectIdentifier

from proxy.stores.connection import hashed, tagged
from proxy.stores.login_step import delete, read, write

SUBJECTS = "pixgar:subjects:"    # hashed user id -> {"public": sub, "pairwise": [sub, ...]}
OWNERS = "pixgar:sub-owner:"     # hashed sub -> user id
RECORD_COLLECTIONS = ("authorization_codes", "access_tokens", "refresh_tokens")


def subjects_key(user_id: str) -> str:
    return tagged(SUBJECTS, hashed(user_id))


def owner_key(sub: str) -> str:
    return tagged(OWNERS, hashed(sub))


class SubjectIndex:
    """The ``subject_identifiers`` mapping pyop reads and writes, indexed by ``sub``."""

    def __init__(self, client: redis.Redis, ttl_seconds: int) -> None:
        self._redis = client
        self._ttl = ttl_seconds

    def __contains__(self, user_id: object) -> bool:
        return read(self._redis, subjects_key(str(user_id))) is not None

    def __getitem__(self, user_id: str) -> dict[str, Any]:
        raw = read(self._redis, subjects_key(user_id))
        if raw is None:
            raise KeyError("unknown user id")
        return dict(json.loads(raw))

    def __setitem__(self, user_id: str, value: dict[str, Any]) -> None:
        write(self._redis, subjects_key(user_id), json.dumps(value).encode("utf-8"), self._ttl)
        for sub in _subs_of(value):
            write(self._redis, owner_key(sub), user_id.encode("utf-8"), self._ttl)

    def __delitem__(self, user_id: str) -> None:
        value = self[user_id]
        delete(self._redis, subjects_key(user_id))
        for sub in _subs_of(value):
            delete(self._redis, owner_key(sub))

    def items(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Refused: a full scan is what this store exists to avoid."""
        raise NotImplementedError("SubjectIndex is looked up by sub, never scanned")

    def owner_of(self, sub: str) -> str | None:
        """The user id ``sub`` was handed out for, while a code or token may still name it."""
        raw = read(self._redis, owner_key(sub))
        return raw.decode("utf-8") if isinstance(raw, bytes) else raw


class IndexedAuthorizationState(AuthorizationState):  # type: ignore[misc]  # pyop: untyped
    """pyop's authorization state, finding a ``sub``'s user with one lookup."""

    subject_identifiers: SubjectIndex

    @classmethod
    def replacing(cls, state: AuthorizationState, index: SubjectIndex,
                  records: Mapping[str, Any] | None = None) -> IndexedAuthorizationState:
        """The lifetimes and ``sub`` factory of ``state``, on ``index``.

        ``records``: the storages of ``authorization_codes``, ``access_tokens`` and
        ``refresh_tokens`` (proxy/stores/oidc_records.py); ``state``'s own by default.
        """
        stores = {name: getattr(state, name) for name in RECORD_COLLECTIONS}
        stores.update(records or {})
        return cls(state._subject_identifier_factory, stores["authorization_codes"],
                   stores["access_tokens"], stores["refresh_tokens"], index,
                   authorization_code_lifetime=state.authorization_code_lifetime,
                   access_token_lifetime=state.access_token_lifetime,
                   refresh_token_lifetime=state.refresh_token_lifetime,
                   refresh_token_threshold=state.refresh_token_threshold)

    def get_user_id_for_subject_identifier(self, subject_identifier: str) -> str:
        owner = self.subject_identifiers.owner_of(subject_identifier)
        if owner is None:
            raise InvalidSubjectIdentifier("unknown subject identifier")
        return owner


def _subs_of(value: dict[str, Any]) -> list[str]:
    public = [value["public"]] if value.get("public") else []
    return public + list(value.get("pairwise") or [])
