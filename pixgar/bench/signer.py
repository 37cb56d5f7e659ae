"""The GAR of a benchmark: the simulator answers each AuthnRequest, between the timed phases.

Signer processes (a pool, one per CPU) each hold one ``SimulatedGar`` per side. For an
AuthnRequest they do what the simulator's ``/idp/sso`` does (check its redirect-binding
signature, issuer and ACS against the SP metadata; for stock SATOSA without the GAR's
RelayState rule, see ``stock_satosa.relaxed_relay_state``) and sign a response for the
login's pupil. Their CPU is nobody's figure: the servers are idle meanwhile.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

_gars: dict[str, Any] = {}  # side -> gar_sim.idp.SimulatedGar
_users: list[Any] = []  # gar_sim.users.GarUser by pupil index
_relaxed: set[str] = set()


def start(envs: Mapping[str, Mapping[str, str]], pupils: int, relaxed: tuple[str, ...]) -> None:
    """Initialise a signer process: one simulator per side, the pupils by index."""
    from pixgar import known_warnings

    known_warnings.silence()  # pysaml2 is imported below, in this new process
    from gar_sim.idp import SimulatedGar
    from gar_sim.settings import settings_from_env
    from pixgar.bench.pupils import gar_user, invented_pupils

    _gars.update({side: SimulatedGar(settings_from_env(dict(env))) for side, env in envs.items()})
    _users[:] = [gar_user(pupil) for pupil in invented_pupils(pupils)]
    _relaxed.update(relaxed)
    for gar in _gars.values():
        gar.server()  # pysaml2's IdP built now, not during the first batch


def sign(job: tuple[str, int, int, str]) -> tuple[int, Any]:
    """``(side, login_id, pupil, authn_query)`` → ``(login_id, (acs, response, relay))``.

    A refused AuthnRequest gives ``(login_id, "gar: <reason>")``: the login's error.
    """
    from gar_sim.idp import SsoRefused
    from pixgar.bench.stock_satosa import relaxed_relay_state

    side, login_id, pupil, query = job
    gar = _gars[side]
    rules = relaxed_relay_state() if side in _relaxed else contextlib.nullcontext()
    try:
        with rules:
            request = gar.parse_sso_request(query)
        response = gar.build_response(_users[pupil], sp_entity_id=request.sp_entity_id,
                                      acs_url=request.acs_url,
                                      in_response_to=request.request_id)
    except SsoRefused as refused:
        return login_id, f"gar: {refused.message}"
    return login_id, (request.acs_url, response, request.relay_state)
