"""Fixtures for whole logins: the four real WSGI apps, real Redis, real signatures.

The "browser" is a ``requests.Session`` whose requests are routed in-process to the app
of each origin (tests/support/wsgi_transport.py): cookies, redirects and forms behave
as over the network. pix_core's back-channel calls to the proxy take the same route.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import pytest
import redis
import requests
import sqlalchemy as sa

from gar_sim.idp import SimulatedGar
from gar_sim.settings import settings_from_env
from pixgar.mail_catcher import MailCatcher
from pixgar.stack import Stack, build_stack, stack_environment
from proxy.app import create_app as create_proxy_app
from proxy.settings import ProxySettings
from tests.support.browsing import forms_of
from tests.support.throwaway_services import ThrowawayRedis
from tests.support.wsgi_transport import WsgiAdapter, routed_session

TEST_REDIS_URL = os.environ.get("PIXGAR_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
AUDIT_STREAM = f"pixgar:test:audit:{secrets.token_hex(6)}"
"""This run's audit stream: the default ``pixgar:audit`` has no expiry and every run's."""


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """The shared test Redis: never flushed (other runs use it); this run's stream deleted."""
    client = redis.Redis.from_url(TEST_REDIS_URL)
    client.ping()
    yield TEST_REDIS_URL
    client.delete(AUDIT_STREAM)
    client.close()


@pytest.fixture
def throwaway_redis() -> Iterator[ThrowawayRedis]:
    """A Redis server of the test's own (tests/support/throwaway_services.py)."""
    server = ThrowawayRedis().start()
    yield server
    server.close()


RELEASED_CLAIMS: list[dict] = []


def _record_userinfo(response, *args, **kwargs) -> None:
    if response.url.endswith("/userinfo") and response.ok:
        RELEASED_CLAIMS.append(response.json())


MAIL_CATCHERS: list[MailCatcher] = []


@pytest.fixture(scope="session", autouse=True)
def _stop_mail_catchers() -> Iterator[None]:
    """The stacks' SMTP servers run in non-daemon threads: stopped at the end of the run."""
    yield
    while MAIL_CATCHERS:
        MAIL_CATCHERS.pop().stop()


def make_stack(data_dir, redis_url: str, **env: str) -> Stack:
    """A whole stack in ``data_dir``; pix_core's back-channel routed to the proxy in-process.
    Without ``SMTP_URL``, pix_core mails to a catcher of its own on loopback (as the demo)."""
    if "SMTP_URL" not in env:
        MAIL_CATCHERS.append(MailCatcher().start())
        env["SMTP_URL"] = f"smtp://127.0.0.1:{MAIL_CATCHERS[-1].port}"
    environment = stack_environment({"PIXGAR_DATA_DIR": str(data_dir), "REDIS_URL": redis_url,
                                     "PIXGAR_AUDIT_STREAM": AUDIT_STREAM, **env})
    back_channel, _ = routed_session({})
    back_channel.hooks["response"].append(_record_userinfo)
    built = build_stack(environment, pix_http_session=back_channel)
    proxy = environment["PROXY_BASE_URL"]
    back_channel.mount(proxy, WsgiAdapter(built.apps[proxy]))
    return built


@pytest.fixture(scope="session")
def stack(tmp_path_factory, redis_url) -> Stack:
    return make_stack(tmp_path_factory.mktemp("stack"), redis_url)


@pytest.fixture(scope="session")
def postgres_stack(tmp_path_factory, redis_url):
    """The same stack on a throwaway PostgreSQL database (created and dropped here)."""
    from proxy.stores.database import dispose_engines

    admin_url = os.environ.get("PIXGAR_TEST_POSTGRES_URL",
                               "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    name = f"pixgar_flows_{secrets.token_hex(4)}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    yield make_stack(tmp_path_factory.mktemp("pgstack"), redis_url, DATABASE_URL=url)
    dispose_engines()
    _dispose_engines_of(name)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def _dispose_engines_of(database: str) -> None:
    """Close the pools the apps opened on ``database`` before it is dropped."""
    import gc

    for thing in gc.get_objects():
        if isinstance(thing, sa.Engine) and thing.url.database == database:
            thing.dispose()


@pytest.fixture
def released_claims() -> list[dict]:
    """The userinfo claims pix_core received during the test, in order."""
    RELEASED_CLAIMS.clear()
    return RELEASED_CLAIMS


@pytest.fixture
def proxy_with(stack):
    """Build another proxy instance on the same Redis and database, with other settings."""
    def build(**overrides: str):
        return create_proxy_app(ProxySettings.from_env({**stack.env, **overrides}))
    return build


@pytest.fixture
def second_proxy(stack):
    """Another proxy instance (another worker or node) sharing only Redis with the first."""
    return create_proxy_app(ProxySettings.from_env(stack.env))


@pytest.fixture
def gar(stack) -> SimulatedGar:
    """The simulator's programmatic side, to craft responses for negative tests."""
    return SimulatedGar(settings_from_env(stack.env))


@dataclass
class Browser:
    """A pupil's browser on the stack, counting the requests a login makes."""

    stack: Stack
    session: requests.Session
    adapters: dict[str, WsgiAdapter]
    visited: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.session.hooks["response"].append(lambda r, *a, **k: self.visited.append(r.url))

    @property
    def requests_made(self) -> int:
        return sum(adapter.requests_seen for adapter in self.adapters.values())

    def open_mediacentre(self, user_id: str) -> requests.Response:
        """Log into the ENT as ``user_id`` and open its médiacentre."""
        ent = self.stack.env["ENT_BASE_URL"]
        return self.session.post(f"{ent}/connexion", data={"user": user_id,
                                                           "next": "mediacentre"})

    def click_pix(self, mediacentre: requests.Response, mode: str = "sp") -> requests.Response:
        """Follow the Pix card's link (``mode='unsolicited'`` for the direct-access link)."""
        links = re.findall(r'href="([^"]*?/gar/acces/pix[^"]*)"', mediacentre.text)
        link = next(href for href in links if ("unsolicited" in href) == (mode == "unsolicited"))
        return self.session.get(link.replace("&amp;", "&"))

    def post_saml(self, page: requests.Response, **overrides: str) -> requests.Response:
        """Submit the simulator's auto-POST form to the ACS, as the browser's script does."""
        form = forms_of(page.text)[0]
        return self.session.post(form["action"], data={**form["fields"], **overrides})

    def route_proxy_to(self, app) -> None:
        """From now on, the browser's requests to the proxy reach ``app`` (another worker)."""
        origin = self.stack.env["PROXY_BASE_URL"]
        self.adapters[origin].app = app


@pytest.fixture
def browser(stack) -> Browser:
    session, adapters = routed_session(dict(stack.apps))
    return Browser(stack, session, adapters)


@pytest.fixture
def pix_db(stack):
    """A connection to pix_core's database, to check what a login created."""
    engine = sa.create_engine(stack.env["DATABASE_URL"])
    yield engine
    engine.dispose()


def count_users(engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.text("SELECT count(*) FROM users")).scalar_one())


def accounts_named(engine, first_name: str, last_name: str) -> int:
    """How many Pix accounts carry these names (one pupil must never get two)."""
    query = sa.text("SELECT count(*) FROM users WHERE first_name = :f AND last_name = :l")
    with engine.connect() as connection:
        return int(connection.execute(query, {"f": first_name, "l": last_name}).scalar_one())


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


@pytest.fixture
def all_logs(caplog):
    """Every log line of the test, at every level, to check nothing personal was written."""
    caplog.set_level(logging.DEBUG)
    return caplog
