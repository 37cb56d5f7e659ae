"""The client address of pix_core's rate limits behind reverse proxies (PIX_TRUSTED_PROXIES).

Built with ``create_app`` on the flow stack's database: the per-IP limit of the Pix Orga
login (50 per window) must count the pupil's address, not the reverse proxy's, and must
never believe an ``X-Forwarded-For`` that no trusted proxy wrote.
"""

from __future__ import annotations

import re
import secrets

from werkzeug.test import Client

from pix_core.app import create_app
from pix_core.settings import PixSettings

PER_IP_LIMIT = 50  # pix_core.shared.domain.rate_limit.ORGA_LOGIN_PER_IP


def pix_client(stack, trusted_proxies: str) -> Client:
    env = {**stack.env, "PIX_TRUSTED_PROXIES": trusted_proxies}
    return Client(create_app(PixSettings.from_env(env)))


def random_address(prefix: str = "203.0") -> str:
    return f"{prefix}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"


def failed_login(client: Client, remote_addr: str, forwarded_for: str) -> int:
    """One wrong Pix Orga login, as the reverse proxy (``remote_addr``) forwards it."""
    kwargs = {"headers": {"X-Forwarded-For": forwarded_for},
              "environ_overrides": {"REMOTE_ADDR": remote_addr}}
    page = client.get("/orga/connexion", **kwargs)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    answer = client.post("/orga/connexion", **kwargs, data={
        "csrf_token": token.group(1) if token else "", "password": "faux",
        "email": f"inconnu-{secrets.token_hex(6)}@exemple.fr"})
    return answer.status_code


def test_behind_one_trusted_proxy_each_pupil_address_is_counted(stack):
    client = pix_client(stack, "1")
    reverse_proxy, noisy, quiet = random_address("10.0"), random_address(), random_address()

    statuses = [failed_login(client, reverse_proxy, noisy) for _ in range(PER_IP_LIMIT)]

    assert 429 not in statuses
    assert failed_login(client, reverse_proxy, noisy) == 429
    assert failed_login(client, reverse_proxy, quiet) != 429  # same proxy, another pupil


def test_without_trusted_proxies_a_forged_header_changes_nothing(stack):
    client = pix_client(stack, "0")
    attacker = random_address("192.0")

    statuses = [failed_login(client, attacker, random_address())  # a new forgery each time
                for _ in range(PER_IP_LIMIT + 1)]

    assert 429 not in statuses[:PER_IP_LIMIT]
    assert statuses[-1] == 429
