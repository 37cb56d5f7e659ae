"""SAML attribute names as pysaml2's attribute converters name them (its ``to_local``).

Known names of a known NameFormat take the converter's local name (``urn:oid:2.5.4.42``
→ ``givenName``); others keep their own name when unknown attributes are allowed (the
GAR's ``IDO``, ``NOM``... in ``uri`` or ``basic`` format), or are dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import SimpleNamespace
from typing import Any

NameOf = Callable[[str, str | None], str | None]


def local_names(converters: Iterable[Any], allow_unknown: bool) -> NameOf:
    """``name_of(name, name_format)``: the local name, or ``None`` to drop the attribute."""
    by_format = {converter.name_format: converter for converter in converters}

    def name_of(name: str, name_format: str | None) -> str | None:
        name = name.strip()
        converter = by_format.get(name_format) if name_format else None
        if converter is not None:
            local = converter.from_format(SimpleNamespace(name=name, name_format=name_format))
            if local:
                return str(local)
        return name if allow_unknown else None

    return name_of
