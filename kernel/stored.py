"""An entity read back from its repository carries an id: a check that ``python -O`` keeps."""

from __future__ import annotations


class NotStored(RuntimeError):
    """An entity without the id its repository gives: a bug of the caller, never bad input.

    Raised by ``if entity.id is None: raise NotStored(entity)``, which also tells mypy
    that the id is an ``int`` from there on.
    """

    def __init__(self, entity: object) -> None:
        super().__init__(f"{type(entity).__name__} has no id: it was never stored")
