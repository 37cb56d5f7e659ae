"""The login's request id in the proxy: taken from the authorization request, kept in state.

pix_core names each login with the id of the request that started it and sends it as the
``pixgar_request_id`` parameter of the authorization request (``kernel/request_id.py``).
The proxy adopts it there and keeps it in SATOSA's state cookie, so the redirect to the
GAR, the ACS and the redirect back log and audit under the same id as pix_core.
"""

from __future__ import annotations

from typing import Any

from kernel.request_id import (
    LOGIN_PARAMETER,
    adopt_request_id,
    is_well_formed,
    new_request_id,
)

STATE_KEY = "pixgar_request_id"


def start_login(context: Any) -> str:  # satosa.context.Context
    """At the authorization endpoint: the relying party's id for the login, or a new one."""
    offered = (context.request or {}).get(LOGIN_PARAMETER)
    login_id = str(offered) if is_well_formed(offered) else new_request_id()
    adopt_request_id(login_id)
    context.state[STATE_KEY] = login_id
    return login_id


def resume_login(context: Any) -> None:
    """After the state cookie is read: go on under the id of the login in progress, if any."""
    state = getattr(context, "state", None)
    if state is not None:
        adopt_request_id(state.get(STATE_KEY))
