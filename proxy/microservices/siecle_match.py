"""Response microservice: find a pupil in the school's SIECLE roster, only when sure.

On a pupil's login (profile ``National_elv``) the roster of the school (first UAI) is
searched with the matching rules of ``roster.domain.matching`` on the GAR's first
and family names, narrowed by the GAR's classes (``DIV``) when present. Only on exactly
one match are INE, birth date and class attached; otherwise a claim says why not.

Claims (scope ``gar``): ``siecle_match`` (``matched`` | ``ambiguous`` | ``none`` |
``no_roster`` | ``not_a_pupil``), ``siecle_uai``, and on a match ``siecle_ine``,
``birthdate`` (``YYYY-MM-DD``) and ``siecle_class``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from satosa.context import Context
from satosa.internal import InternalData
from satosa.micro_services.base import ResponseMicroService

from proxy.stores.database import database_engine
from roster.domain.matching import find_learner
from roster.sql.reader import RosterReader

logger = logging.getLogger(__name__)

PUPIL_PROFILE = "National_elv"
NOT_A_PUPIL = "not_a_pupil"
NO_ROSTER = "no_roster"
STRICT = "strict"


def _first(values: list[Any] | None) -> str:
    return str(values[0]).strip() if values else ""


class SiecleMatch(ResponseMicroService):  # type: ignore[misc]  # satosa: untyped
    """Attach the roster identity of a pupil the roster identifies for sure."""

    def __init__(self, config: Mapping[str, Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        engine = database_engine(config["database_url"], config.get("database_pool"))
        self._roster = RosterReader(engine)

    def process(self, context: Context, data: InternalData) -> Any:
        attributes = data.attributes
        attributes.update(self._match(attributes))
        logger.info("siecle match: %s", attributes["siecle_match"][0])
        return super().process(context, data)

    def _match(self, attributes: dict[str, Any]) -> dict[str, list[str]]:
        if PUPIL_PROFILE not in (attributes.get("profiles") or []):
            return {"siecle_match": [NOT_A_PUPIL]}
        uai = _first(attributes.get("uai"))
        divisions = [c["code"] for c in attributes.get("classes") or [] if c.get("code")]
        roster = self._roster.entries(uai, divisions)
        if roster is None:
            return {"siecle_match": [NO_ROSTER], "siecle_uai": [uai]}
        outcome = find_learner(roster, _first(attributes.get("givenname")),
                               _first(attributes.get("surname")))
        result = {"siecle_match": [outcome.status.value], "siecle_uai": [uai]}
        if outcome.entry is not None:
            result.update({
                "siecle_ine": [outcome.entry.ine],
                "birthdate": [outcome.entry.birthdate.isoformat()],
                "siecle_class": [outcome.entry.division or ""],
                "siecle_match_quality": [STRICT if outcome.strict else "tolerant"],
            })
        return result
