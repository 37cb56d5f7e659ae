"""Response microservice: the stable, pseudonymous subject of a GAR user.

The subject is a random value minted at the user's first login and recorded in the
database under *lookup keys*, ``HMAC(secret_vN, "gar-ido:" + IDO)``. The OpenID Provider
then derives a pairwise ``sub`` per relying party from the subject. So:

- stable: same IDO → same lookup key → same subject, on every worker, after restarts and
  after Redis is emptied (the record is in the database, not in Redis);
- rotation: secrets are versioned; a login finds its record under any known version and
  moves it to the newest one, keeping the subject (see docs/adr/0004-pseudonyms.md);
- unlinkable: the subject is random, lookup keys are keyed hashes; the raw IDO is dropped
  from the attributes here and never stored;
- a pupil whom the roster identified for sure (strict match, same INE) and who comes back
  with a new IDO keeps the subject recorded for that INE, hence the same Pix account.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Mapping
from typing import Any

from satosa.context import Context
from satosa.internal import InternalData
from satosa.micro_services.base import ResponseMicroService

from proxy.errors import SamlResponseRejected
from proxy.microservices.siecle_match import STRICT
from proxy.stores.database import database_engine
from proxy.stores.pseudonyms import (
    Found,
    SubjectRecords,
    find_in_both,
    identifier_subjects,
    roster_subjects,
)

logger = logging.getLogger(__name__)


def lookup_key(secret: str, purpose: str, value: str) -> str:
    """The keyed hash under which ``value`` (an IDO or an INE) is looked up."""
    message = f"{purpose}:{value}".encode()
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


class GarPseudonym(ResponseMicroService):  # type: ignore[misc]  # satosa: untyped
    """Replace the IDO with the recorded subject of its owner."""

    def __init__(self, config: Mapping[str, Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._keys: list[tuple[str, str]] = [(k["version"], k["secret"]) for k in config["keys"]]
        self._engine = database_engine(config["database_url"], config.get("database_pool"))
        self._by_identifier = SubjectRecords(self._engine, identifier_subjects)
        self._by_ine = SubjectRecords(self._engine, roster_subjects)

    def process(self, context: Context, data: InternalData) -> Any:
        ido = _single_ido(data.attributes.pop("ido", None))
        quality = data.attributes.pop("siecle_match_quality", None) or []
        sure_ine = (data.attributes.get("siecle_ine") or [""])[0] if STRICT in quality else ""
        data.subject_id = self.subject_for(ido, sure_ine.strip().upper())
        return super().process(context, data)

    def subject_for(self, ido: str, sure_ine: str = "") -> str:
        """The subject of the user with this IDO (and this INE, when the roster is sure)."""
        by_ido = self._lookups("gar-ido", ido)
        by_ine = self._lookups("siecle-ine", sure_ine) if sure_ine else {}
        ido_found, ine_found = find_in_both(self._engine, by_ido, by_ine)  # one round trip
        subject = self._resolve(self._by_identifier, by_ido, ido_found)
        if subject is None:
            known = self._resolve(self._by_ine, by_ine, ine_found) if by_ine else None
            if known is not None:
                logger.info("known pupil with a new GAR identifier: subject kept")
            subject = self._by_identifier.record(*self._current(by_ido),
                                                 known or secrets.token_hex(32))
        if by_ine and ine_found is None:
            self._by_ine.record(*self._current(by_ine), subject)
        return subject

    def _lookups(self, purpose: str, value: str) -> dict[str, str]:
        return {version: lookup_key(secret, purpose, value) for version, secret in self._keys}

    @staticmethod
    def _current(lookups: dict[str, str]) -> tuple[str, str]:
        return next(iter(lookups.items()))

    def _resolve(self, records: SubjectRecords, lookups: dict[str, str], found: Found | None
                 ) -> str | None:
        """The recorded subject, moved to the newest secret version if found under an older one."""
        if found is None:
            return None
        subject, version = found
        current_version, current_key = self._current(lookups)
        if version != current_version:
            records.rekey(lookups[version], current_version, current_key, subject)
        return subject


def _single_ido(values: list[Any] | None) -> str:
    distinct = {str(v).strip().lower() for v in values or [] if str(v).strip()}
    if len(distinct) != 1:
        raise SamlResponseRejected("missing_or_ambiguous_ido")
    return distinct.pop()
