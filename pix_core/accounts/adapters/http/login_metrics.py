"""``pixgar_pix_logins_total{outcome,reason}``: every OIDC callback, in pix_core's registry.

``success``/``ok``, else ``refused`` (4xx: the proxy's answer could not be trusted,
unknown state, ...) or ``error`` (5xx: proxy unreachable, database down, unexpected)
with the error's code. Reasons are codes from the source; an OP's error code is a label
only if it is a standard one, so a client cannot add series.
"""

from __future__ import annotations

from prometheus_client import Counter

from kernel.oauth import AUTHORIZATION_ERROR_CODES
from pix_core.shared.adapters.http.errors import ErrorTable, kind_of
from pix_core.shared.adapters.http.metrics import REGISTRY

LOGINS = Counter("pixgar_pix_logins", "OIDC callbacks by outcome and reason",
                 ["outcome", "reason"], registry=REGISTRY)

SUCCESS, REFUSED, ERROR = "success", "refused", "error"
OP_ERROR = "op_error:"  # accounts/adapters/oidc/relying_party.py, + the OP's error code


def count_success() -> None:
    LOGINS.labels(outcome=SUCCESS, reason="ok").inc()


def count_failure(error: Exception, errors: ErrorTable) -> None:
    LOGINS.labels(*login_failure(error, errors)).inc()


def login_failure(error: Exception, errors: ErrorTable) -> tuple[str, str]:
    """``(outcome, reason)`` of a failed callback: refused (4xx) or error (5xx), its code."""
    outcome = ERROR if errors.page_for(error).status >= 500 else REFUSED
    return outcome, _bounded(kind_of(error) or "unexpected")


def _bounded(reason: str) -> str:
    if reason.startswith(OP_ERROR) and reason[len(OP_ERROR):] not in AUTHORIZATION_ERROR_CODES:
        return OP_ERROR + "other"  # the OP's code comes from the query string
    return reason
