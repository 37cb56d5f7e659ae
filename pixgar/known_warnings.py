"""The one third-party warning every pixgar start would print, silenced by name only.

pysaml2 7.5.5 names cryptography's CFB mode when ``saml2.cryptography.symmetric`` is
imported (a table of modes; nothing here uses CFB), and cryptography warns that CFB has
moved to its "decrepit" package. The project cannot act on it, so :func:`silence` ignores
that warning only: its category, its message, the pysaml2 module it is attributed to.
Every other warning, cryptography's included, still shows.
"""

from __future__ import annotations

import warnings

PYSAML2_CFB_MESSAGE = r"CFB has been moved to "
PYSAML2_CFB_MODULE = r"saml2\.cryptography\.symmetric\Z"


def silence() -> None:
    """Ignore pysaml2's CFB deprecation warning; call before pysaml2 is first imported."""
    from cryptography.utils import CryptographyDeprecationWarning

    warnings.filterwarnings("ignore", message=PYSAML2_CFB_MESSAGE,
                            category=CryptographyDeprecationWarning, module=PYSAML2_CFB_MODULE)
