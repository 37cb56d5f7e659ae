"""Secrets read from the environment or from secret files, and a type that never prints them.

Every secret ``NAME`` is looked up as the environment variable ``NAME`` first, then as
the file named by ``NAME_FILE`` (the Docker/Kubernetes secret-file convention).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path


class Secret:
    """A string whose value never appears in ``repr``, ``str``, logs or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """Return the secret value; call this only where the value is used."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def read_secret(name: str, environ: Mapping[str, str] | None = None) -> Secret | None:
    """Read secret ``name`` from ``$name`` or from the file at ``$name_FILE``; None if absent."""
    env = os.environ if environ is None else environ
    if env.get(name):
        return Secret(env[name])
    path = env.get(f"{name}_FILE")
    if path:
        return Secret(Path(path).read_text(encoding="utf-8").strip())
    return None
