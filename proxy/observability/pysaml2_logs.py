"""pysaml2's log records without their text: they may quote a SAML message (IDO, names)."""

from __future__ import annotations

import logging


class WithholdSamlDetails(logging.Filter):
    """pysaml2 logs whole SAML messages (IDO, names) at ERROR on a bad signature: keep the
    event (level, logger), drop the text, arguments and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = "pysaml2 %s event (details withheld: may quote the SAML message)"
        record.args = (record.levelname,)
        record.exc_info = record.exc_text = record.stack_info = None
        return True


def withhold_pysaml2_details() -> None:
    """Put the filter on every pysaml2 logger (a logger's filters do not reach its children)."""
    names = ["saml2"] + [n for n in logging.root.manager.loggerDict if n.startswith("saml2.")]
    for name in names:
        target = logging.getLogger(name)
        if not any(isinstance(f, WithholdSamlDetails) for f in target.filters):
            target.addFilter(WithholdSamlDetails())
