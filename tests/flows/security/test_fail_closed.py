"""Failing closed: Redis, PostgreSQL or the GAR metadata go away in the middle of logins.

Each test starts its own throwaway Redis and PostgreSQL (tests/support/throwaway_services)
and builds a whole stack on them; the machine's shared servers are never stopped. In every
scenario the user gets a French "indisponible" page with an error reference (never a 500,
never a traceback), no account is half-created, the interrupted login cannot be replayed,
and once the service is back a fresh login succeeds on the *same* application objects.
"""

from __future__ import annotations

import http.server
import itertools
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from pixgar.cli import main as pixgar_main
from pixgar.stack import Stack, build_stack
from proxy.app import create_app as create_proxy_app
from proxy.errors import ConfigurationError
from proxy.settings import ProxySettings
from proxy.stores.connection import redis_client
from proxy.stores.database import database_engine, dispose_engines
from tests.flows.conftest import Browser, count_users
from tests.support.browsing import forms_of
from tests.support.throwaway_services import ThrowawayPostgres, free_port
from tests.support.wsgi_transport import WsgiAdapter, routed_session

PUPIL = "lea-lefevre"
CALLBACK = "/connexion/oidc/callback"
_databases = itertools.count()


@pytest.fixture(scope="module")
def throwaway_postgres():
    server = ThrowawayPostgres()
    try:
        yield server.start()
    finally:
        server.close()


@pytest.fixture
def postgres_url(throwaway_postgres) -> str:
    """A new database in the throwaway cluster (running again if a test stopped it)."""
    throwaway_postgres.start()
    name = f"failclosed_{next(_databases)}"
    admin = sa.create_engine(throwaway_postgres.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return throwaway_postgres.url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture
def stack_on(stack, monkeypatch):
    """Build a whole stack (same keys as the session's) on other Redis and database URLs."""
    import pix_core.app

    engines: list[sa.Engine] = []
    real_make_engine = pix_core.app.make_engine

    def recording_make_engine(url: str, pool=None) -> sa.Engine:
        engines.append(real_make_engine(url, pool))
        return engines[-1]

    monkeypatch.setattr(pix_core.app, "make_engine", recording_make_engine)
    built: list[Stack] = []

    def build(redis_url: str, database_url: str, back_channel_hook=None,
              extra_env: dict[str, str] | None = None) -> Stack:
        env = {**stack.env, "REDIS_URL": redis_url, "DATABASE_URL": database_url,
               **(extra_env or {})}
        env.pop("PROXY_DATABASE_URL", None)  # the proxy's tables live next to pix_core's
        back_channel, _ = routed_session({})
        if back_channel_hook is not None:
            back_channel.hooks["response"].append(back_channel_hook)
        new = build_stack(env, pix_http_session=back_channel)
        back_channel.mount(env["PROXY_BASE_URL"], WsgiAdapter(new.apps[env["PROXY_BASE_URL"]]))
        built.append(new)
        return new

    build.pix_engines = engines  # type: ignore[attr-defined]
    yield build
    for engine in engines:
        engine.dispose()
    dispose_engines()
    for new in built:
        redis_client(new.env["REDIS_URL"]).close()


def browser_on(stack: Stack) -> Browser:
    return Browser(stack, *routed_session(dict(stack.apps)))


def reach_gar(browser: Browser, user_id: str = PUPIL):
    """Up to the GAR's auto-POST form: the AuthnRequest was sent and remembered in Redis."""
    page = browser.click_pix(browser.open_mediacentre(user_id))
    assert "SAMLResponse" in page.text
    browser.visited.clear()
    return page


def post_acs(browser: Browser, autopost, **kwargs):
    form = forms_of(autopost.text)[0]
    return browser.session.post(form["action"], data=form["fields"], **kwargs)


def full_login(stack: Stack, user_id: str = PUPIL):
    browser = browser_on(stack)
    return post_acs(browser, reach_gar(browser, user_id))


def pix_users(database_url: str) -> int:
    engine = sa.create_engine(database_url)
    try:
        return count_users(engine)
    finally:
        engine.dispose()


def assert_unavailable_page(page, status: int = 503) -> None:
    """A French "indisponible" page with an error reference: not a 500, no traceback."""
    assert page.status_code == status, (page.status_code, page.text[:300])
    assert '<html lang="fr">' in page.text
    assert "indisponible" in page.text
    assert "Référence de l'erreur" in page.text
    assert "Traceback" not in page.text
    assert "Error" not in page.text


def assert_refused(page) -> None:
    assert 400 <= page.status_code < 500, (page.status_code, page.text[:300])
    assert "Référence de l'erreur" in page.text
    assert not page.url.endswith("/profil")


def assert_logged_in(page) -> None:
    assert page.status_code == 200, page.text[:300]
    assert page.url.endswith("/profil")


def visited_pix(browser: Browser) -> bool:
    return any(url.startswith(browser.stack.env["PIX_BASE_URL"]) for url in browser.visited)


# -- Redis ------------------------------------------------------------------------------

def test_redis_down_at_the_acs_gives_503_then_the_next_login_works(
        throwaway_redis, stack_on, tmp_path):
    database = f"sqlite:///{tmp_path / 'pix.db'}"
    stack = stack_on(throwaway_redis.url, database)
    browser = browser_on(stack)
    autopost = reach_gar(browser)

    throwaway_redis.stop()
    page = post_acs(browser, autopost)

    assert_unavailable_page(page)
    assert not visited_pix(browser)
    assert pix_users(database) == 0
    throwaway_redis.start()  # back, empty: the outstanding AuthnRequest is gone
    assert_refused(post_acs(browser, autopost))  # the same response again: no login
    assert pix_users(database) == 0
    assert_logged_in(full_login(stack))  # same app objects, no restart
    assert pix_users(database) == 1


def test_redis_down_at_the_token_request_gives_an_unavailable_page_then_logins_work(
        throwaway_redis, stack_on, tmp_path):
    database = f"sqlite:///{tmp_path / 'pix.db'}"
    stack = stack_on(throwaway_redis.url, database)
    browser = browser_on(stack)
    acs = post_acs(browser, reach_gar(browser), allow_redirects=False)
    callback = acs.headers["Location"]
    assert CALLBACK in callback
    assert "code=" in callback

    throwaway_redis.stop()
    page = browser.session.get(callback)  # pix_core redeems the code: the proxy answers 503

    # pix_core's own "service de connexion indisponible" page, 503 like the proxy's
    assert_unavailable_page(page, status=503)
    assert pix_users(database) == 0
    throwaway_redis.start()
    assert_refused(browser.session.get(callback))  # the code died with Redis: no login
    assert pix_users(database) == 0
    assert_logged_in(full_login(stack))
    assert pix_users(database) == 1


def test_redis_restarted_empty_mid_login_fails_cleanly_then_logins_work(
        throwaway_redis, stack_on, tmp_path):
    database = f"sqlite:///{tmp_path / 'pix.db'}"
    stack = stack_on(throwaway_redis.url, database)
    browser = browser_on(stack)
    autopost = reach_gar(browser)

    throwaway_redis.restart()  # every outstanding request and code forgotten
    page = post_acs(browser, autopost)

    assert_refused(page)
    assert '<html lang="fr">' in page.text
    assert not visited_pix(browser)
    assert pix_users(database) == 0
    assert_logged_in(full_login(stack))
    assert pix_users(database) == 1


# -- PostgreSQL --------------------------------------------------------------------------

def test_database_down_at_the_proxy_roster_and_pseudonym_step_gives_503_then_works(
        throwaway_redis, throwaway_postgres, postgres_url, stack_on):
    stack = stack_on(throwaway_redis.url, postgres_url)
    browser = browser_on(stack)
    autopost = reach_gar(browser)

    throwaway_postgres.stop()
    page = post_acs(browser, autopost)  # the proxy reads the roster, then the pseudonyms

    assert_unavailable_page(page)
    assert not visited_pix(browser)
    throwaway_postgres.start()
    assert pix_users(postgres_url) == 0
    assert_refused(post_acs(browser, autopost))  # request consumed, assertion seen
    assert pix_users(postgres_url) == 0
    assert_logged_in(full_login(stack))  # the pools reconnect by themselves
    assert pix_users(postgres_url) == 1


def test_database_down_at_pix_account_creation_gives_503_and_no_half_account(
        throwaway_redis, throwaway_postgres, postgres_url, stack_on):
    armed = [True]

    def stop_database_after_userinfo(response, *args, **kwargs):
        """pix_core has the identity (token and userinfo done): its account step is next."""
        if response.url.endswith("/userinfo") and armed[0]:
            armed[0] = False
            throwaway_postgres.stop()

    stack = stack_on(throwaway_redis.url, postgres_url, stop_database_after_userinfo)
    browser = browser_on(stack)

    page = post_acs(browser, reach_gar(browser))

    assert not armed[0], "the userinfo request was not made"
    assert_unavailable_page(page)
    throwaway_postgres.start()
    assert pix_users(postgres_url) == 0
    callback = next(url for url in browser.visited if CALLBACK in url)
    assert_refused(browser.session.get(callback))  # the code was redeemed once already
    assert pix_users(postgres_url) == 0
    assert_logged_in(full_login(stack))
    assert pix_users(postgres_url) == 1


ONE_CONNECTION = {"DATABASE_POOL_SIZE": "1", "DATABASE_POOL_TIMEOUT": "0.3"}


def test_an_exhausted_proxy_pool_gives_503_at_once_then_logins_work(
        throwaway_redis, postgres_url, stack_on):
    stack = stack_on(throwaway_redis.url, postgres_url, extra_env=ONE_CONNECTION)
    browser = browser_on(stack)
    autopost = reach_gar(browser)
    proxy_engine = database_engine(postgres_url)  # the proxy's, one per URL and process
    assert proxy_engine.pool.size() == 1

    with proxy_engine.connect():  # its one connection busy (another request's, as at 8 am)
        started = time.monotonic()
        page = post_acs(browser, autopost)
        waited = time.monotonic() - started

    assert_unavailable_page(page)
    assert waited < 3, "a request waits DATABASE_POOL_TIMEOUT, never forever"
    assert not visited_pix(browser)
    assert pix_users(postgres_url) == 0
    assert_logged_in(full_login(stack))  # the connection is back in the pool
    assert pix_users(postgres_url) == 1


def test_an_exhausted_pix_pool_gives_503_at_once_then_logins_work(
        throwaway_redis, postgres_url, stack_on):
    stack = stack_on(throwaway_redis.url, postgres_url, extra_env=ONE_CONNECTION)
    pix_engine = stack_on.pix_engines[-1]
    assert pix_engine.pool.size() == 1
    browser = browser_on(stack)
    autopost = reach_gar(browser)

    with pix_engine.connect():
        started = time.monotonic()
        page = post_acs(browser, autopost)  # pix_core's callback needs the database
        waited = time.monotonic() - started

    assert_unavailable_page(page)
    assert waited < 3
    assert pix_users(postgres_url) == 0
    assert_logged_in(full_login(stack))
    assert pix_users(postgres_url) == 1


# -- the GAR metadata --------------------------------------------------------------------

def unreachable_metadata_url() -> str:
    return f"https://127.0.0.1:{free_port()}/metadata"


def test_unreachable_gar_metadata_stops_create_app_with_the_variable_named(stack):
    url = unreachable_metadata_url()
    unpinned = {"GAR_IDP_METADATA": url, "GAR_METADATA_SIGNING_CERT": ""}  # no last good copy

    with pytest.raises(ConfigurationError) as refused:
        create_proxy_app(ProxySettings.from_env({**stack.env, **unpinned}))

    assert str(refused.value).startswith(f"GAR_IDP_METADATA: cannot fetch {url}")


def _serve_env(monkeypatch, stack, **overrides: str) -> None:
    for name, value in {**stack.env, "PIXGAR_GENERATE_DEV_KEYS": "1", **overrides}.items():
        monkeypatch.setenv(name, value)


def test_pixgar_serve_proxy_refuses_to_start_with_one_admin_line(stack, monkeypatch, capsys):
    started = []
    monkeypatch.setattr("pixgar.serve._Gunicorn.run", lambda self: started.append(self))
    url = unreachable_metadata_url()
    _serve_env(monkeypatch, stack, GAR_IDP_METADATA=url)

    status = pixgar_main(["serve", "proxy"])

    error = capsys.readouterr().err
    assert status == 2
    assert not started
    assert error.startswith(f"pixgar: GAR_IDP_METADATA: cannot fetch {url}")
    assert len(error.strip().splitlines()) == 1
    assert "Traceback" not in error


class _MetadataServer(http.server.ThreadingHTTPServer):
    daemon_threads = True


def test_running_proxy_workers_keep_the_metadata_fetched_at_start(stack, monkeypatch):
    """Decision: fetched once when ``pixgar serve proxy`` starts, never refreshed in flight."""
    metadata = Path(stack.env["GAR_IDP_METADATA"]).read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.end_headers()
            self.wfile.write(metadata)

        def log_message(self, *args) -> None:
            pass

    server = _MetadataServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    workers = []
    monkeypatch.setattr("pixgar.serve._Gunicorn.run", lambda self: workers.append(self))
    _serve_env(monkeypatch, stack,
               GAR_IDP_METADATA=f"http://127.0.0.1:{server.server_address[1]}/metadata")
    try:
        assert pixgar_main(["serve", "proxy"]) == 0
    finally:
        server.shutdown()
        server.server_close()
        thread.join()

    worker_app = workers[0].load()  # a worker booting (or respawned) after the URL went away

    assert worker_app is not None
