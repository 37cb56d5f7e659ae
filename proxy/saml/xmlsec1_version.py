"""pysaml2's xmlsec1 backend, asking the binary for its version once per process.

pysaml2 starts ``xmlsec1 --version`` before reading the output of every signature check
(``version_nums`` → ``version``): two extra processes per check, four of the six an ACS
POST started (benchmarks/login_vs_stock_satosa.py). The binary does not change while
the process runs, so the answer is kept. Every signature is still checked by xmlsec1.
"""

from __future__ import annotations

import functools
from typing import Any

from saml2.sigver import CryptoBackendXmlSec1


class XmlSec1OneVersionProbe(CryptoBackendXmlSec1):  # type: ignore[misc]  # pysaml2: untyped
    """``CryptoBackendXmlSec1`` whose ``version`` is probed once, then remembered."""

    @functools.cached_property
    def version(self) -> str:
        return str(CryptoBackendXmlSec1.version.fget(self))


def probing_version_once(crypto: Any) -> Any:
    """The same backend (binary, options, temp-file policy) with one version probe."""
    if type(crypto) is not CryptoBackendXmlSec1:
        return crypto  # another backend, or already wrapped: left as it is
    faster = XmlSec1OneVersionProbe.__new__(XmlSec1OneVersionProbe)
    faster.__dict__.update(crypto.__dict__)
    return faster
