"""pyop's subject identifiers in Redis, with an owner index and an expiry.

pyop keeps, per user, the pairwise ``sub`` values it handed out, and finds the user of a
``sub`` by scanning them all: SATOSA's Redis storage runs ``KEYS satosa:subject_identifiers*``
and reads every entry, at each token and userinfo request, and the entries never expire.
With a national user base that is a full scan per login and unbounded growth.

Here each ``sub`` also points at its owner (``SET`` with expiry), so the lookup is one
``GET``; both directions expire once no code or access token can still name them. pyop
writes the entry again at every authorization, which renews it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import redis
from pyop.authz_state import AuthorizationState
from pyop.exceptions import InvalidSubjectIdentifier

from proxy.stores.connection import hashed

SUBJECTS = "pixgar:subjects:"    # hashed user id -> {"public": sub, "pairwise": [sub, ...]}
OWNERS = "pixgar:sub-owner:"     # hashed sub -> user id


class SubjectIndex:
    """The ``subject_identifiers`` mapping pyop reads and writes, indexed by ``sub``."""

    def __init__(self, client: redis.Redis, ttl_seconds: int) -> None:
        self._redis = client
        self._ttl = ttl_seconds

    def __contains__(self, user_id: object) -> bool:
        return bool(self._redis.exists(SUBJECTS + hashed(str(user_id))))

    def __getitem__(self, user_id: str) -> dict[str, Any]:
        raw = self._redis.get(SUBJECTS + hashed(user_id))
        if raw is None:
            raise KeyError("unknown user id")
        return dict(json.loads(raw))

    def __setitem__(self, user_id: str, value: dict[str, Any]) -> None:
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(SUBJECTS + hashed(user_id), json.dumps(value), ex=self._ttl)
            for sub in _subs_of(value):
                pipe.set(OWNERS + hashed(sub), user_id.encode("utf-8"), ex=self._ttl)
            pipe.execute()

    def __delitem__(self, user_id: str) -> None:
        value = self[user_id]
        self._redis.delete(SUBJECTS + hashed(user_id),
                           *(OWNERS + hashed(sub) for sub in _subs_of(value)))

    def items(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Refused: a full scan is what this store exists to avoid."""
        raise NotImplementedError("SubjectIndex is looked up by sub, never scanned")

    def owner_of(self, sub: str) -> str | None:
        """The user id ``sub`` was handed out for, while a code or token may still name it."""
        raw = self._redis.get(OWNERS + hashed(sub))
        return raw.decode("utf-8") if isinstance(raw, bytes) else raw


class IndexedAuthorizationState(AuthorizationState):  # type: ignore[misc]  # pyop: untyped
    """pyop's authorization state, finding a ``sub``'s user with one lookup."""

    subject_identifiers: SubjectIndex

    @classmethod
    def replacing(cls, state: AuthorizationState, index: SubjectIndex
                  ) -> IndexedAuthorizationState:
        """The same codes, tokens, lifetimes and ``sub`` factory as ``state``, on ``index``."""
        return cls(state._subject_identifier_factory, state.authorization_codes,
                   state.access_tokens, state.refresh_tokens, index,
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
