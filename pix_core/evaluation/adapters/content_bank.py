"""The content bank's files: ``evaluation/content/``, one YAML file per competence.

``load_content()`` reads and checks them (``domain.content.build_content``); ``create_app``
calls it, so an invalid file stops the application at start-up with a message naming
the file and the entry.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from pix_core.evaluation.domain.content import ContentError, build_content
from pix_core.evaluation.domain.framework import LearningContent

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"


def load_content(directory: Path = CONTENT_DIR) -> LearningContent:
    """Read every ``*.yaml`` of ``directory`` (sorted) and check the whole."""
    documents = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as err:
            raise ContentError(path.name, "document", f"invalid YAML ({err})") from None
        documents.append((path.name, data))
    return build_content(documents)


@lru_cache(maxsize=1)
def default_content() -> LearningContent:
    """The packaged content, read once per process."""
    return load_content()
