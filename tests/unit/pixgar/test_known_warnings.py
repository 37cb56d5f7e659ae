"""pysaml2's CFB deprecation warning is silenced by category, message and module only."""

from __future__ import annotations

import warnings

import pytest
from cryptography.utils import CryptographyDeprecationWarning

from pixgar import known_warnings

CFB = "CFB has been moved to cryptography.hazmat.decrepit.ciphers.modes.CFB"


def shown(category: type[Warning], message: str, module: str) -> bool:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        known_warnings.silence()
        warnings.warn_explicit(message, category, "x.py", 1, module=module)
    return bool(caught)


def test_pysaml2s_cfb_warning_is_silenced():
    assert not shown(CryptographyDeprecationWarning, CFB, "saml2.cryptography.symmetric")


@pytest.mark.parametrize(("category", "message", "module"), [
    pytest.param(CryptographyDeprecationWarning, CFB, "pix_core.adapters.crypto",
                 id="the same warning from another module"),
    pytest.param(CryptographyDeprecationWarning, CFB, "saml2.cryptography.symmetric2",
                 id="a module whose name only starts the same"),
    pytest.param(CryptographyDeprecationWarning, "OFB has been moved to ...",
                 "saml2.cryptography.symmetric", id="another cryptography deprecation"),
    pytest.param(DeprecationWarning, CFB, "saml2.cryptography.symmetric",
                 id="another category"),
])
def test_every_other_warning_still_shows(category, message, module):
    assert shown(category, message, module)
