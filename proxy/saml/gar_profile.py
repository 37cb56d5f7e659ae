"""The GAR's attribute profile: structured values packed as ``code##label[##division]``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def parse_division(value: str) -> dict[str, str]:
    """``"3A##3EME A"`` → ``{"code": "3A", "label": "3EME A"}`` (label may be missing)."""
    code, _, label = value.partition("##")
    return {"code": code.strip(), "label": label.strip()}


def parse_group(value: str) -> dict[str, str]:
    """``"6A-MATHS##Groupe Maths##6A"`` → code, label and the division the group belongs to."""
    parts = [part.strip() for part in value.split("##")] + ["", ""]
    return {"code": parts[0], "label": parts[1], "division": parts[2]}


_STRUCTURED = {"classes": parse_division, "groups": parse_group}


def structure_attributes(attributes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Return ``attributes`` with the ``##`` fields parsed into objects; empty values dropped."""
    result: dict[str, list[Any]] = {}
    for name, values in attributes.items():
        cleaned = [v for v in _as_list(values) if not (isinstance(v, str) and not v.strip())]
        parse = _STRUCTURED.get(name)
        result[name] = [parse(v) if parse and isinstance(v, str) else v for v in cleaned]
    return result


def _as_list(values: Iterable[Any] | Any) -> list[Any]:
    if isinstance(values, (list, tuple)):
        return list(values)
    return [values]
