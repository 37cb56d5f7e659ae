"""pixgar/bench/driver.py: a login counts only when the profile page shows the pupil.

The "servers" are one small HTTPS server (TLS with a development certificate) that
plays the proxy's ACS and pix_core's callback and profile pages.
"""

from __future__ import annotations

import http.server
import ssl
import threading

import pytest

from kernel.devkeys import ensure_self_signed_cert
from pixgar.bench.driver import (
    LoginError,
    Origin,
    SideConfig,
    Visit,
    _keep_cookie,
    _path_on,
    phase_b,
    run_threads,
)


class FakeServers(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    shown_name = "Léa Lefèvre"
    seen_cookies: list[str] = []

    def _answer(self, status: int, headers: dict[str, str], body: bytes = b"") -> None:
        self.send_response(status)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers["Content-Length"]))
        origin = f"https://127.0.0.1:{self.server.server_address[1]}"
        self._answer(303, {"Location": f"{origin}/connexion/oidc/callback?code=c&state=s",
                           "Set-Cookie": 'state=""; Max-Age=0; Path=/'})

    def do_GET(self) -> None:  # noqa: N802
        self.seen_cookies.append(self.headers.get("Cookie", ""))
        if self.path.startswith("/connexion/oidc/callback"):
            self._answer(303, {"Location": "/profil", "Set-Cookie": "session=new; Path=/"})
        else:
            name = self.shown_name.replace("è", "&#232;")  # as an HTML template may write it
            self._answer(200, {"Content-Type": "text/html"},
                         f'<h1 class="user-name">{name}</h1>'.encode())

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def side(tmp_path):
    key, cert = ensure_self_signed_cert(tmp_path / "k.pem", tmp_path / "c.pem", "test",
                                        ("127.0.0.1",))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeServers)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = Origin("127.0.0.1", server.server_address[1])
    FakeServers.seen_cookies = []
    yield SideConfig(pix=origin, proxy=origin, cafile=str(cert))
    server.shutdown()
    server.server_close()


def second_half(side: SideConfig, expected: str) -> Visit:
    visit = Visit(1, expected)
    visit.cookies[side.proxy] = {"state": "abc"}
    try:
        phase_b(visit, side, side.context(), f"{side.proxy.url}/gar/acs/post", "PHNhbWw+",
                "https://pix.example/")
    finally:
        visit.close()
    return visit


def test_a_login_that_shows_the_pupil_succeeds_and_is_timed_per_step(side):
    visit = second_half(side, "Léa Lefèvre")

    assert set(visit.steps) == {"acs", "callback", "profile"}
    assert all(seconds > 0 for seconds in visit.steps.values())
    assert FakeServers.seen_cookies[-1] == "session=new"  # the state cookie was dropped


def test_a_profile_page_showing_someone_else_is_a_failed_login(side):
    with pytest.raises(LoginError) as failed:
        second_half(side, "Chloé Benoît")

    assert failed.value.kind == "profile: pupil not shown"


def test_a_redirect_to_another_server_is_a_failed_login():
    with pytest.raises(LoginError) as failed:
        _path_on("https://elsewhere.example/connexion/oidc/callback?code=x",
                 Origin("127.0.0.1", 8444), "acs")

    assert failed.value.kind == "acs: redirect elsewhere"
    assert "code=x" not in failed.value.detail  # no code or token in the report
    assert _path_on("/profil", Origin("127.0.0.1", 8444), "callback") == "/profil"
    assert _path_on("https://127.0.0.1:8444/a?b=c", Origin("127.0.0.1", 8444), "x") == "/a?b=c"


def test_an_unreachable_server_is_a_failed_login_named_by_its_step(tmp_path):
    from pixgar.bench.services import free_port

    _, cert = ensure_self_signed_cert(tmp_path / "k.pem", tmp_path / "c.pem", "t", ("127.0.0.1",))
    closed = Origin("127.0.0.1", free_port())
    with pytest.raises(LoginError) as failed:
        phase_b(Visit(1, "x"), SideConfig(closed, closed, str(cert)),
                ssl.create_default_context(cafile=str(cert)), f"{closed.url}/acs", "r", "s")

    assert failed.value.kind == "acs: ConnectionRefusedError"


def test_cookies_are_kept_replaced_and_dropped_as_a_browser_does():
    jar: dict[str, str] = {}
    _keep_cookie(jar, "a=1; Path=/; Secure; HttpOnly")
    _keep_cookie(jar, "b=x=y; Max-Age=900")
    _keep_cookie(jar, "a=2")
    assert jar == {"a": "2", "b": "x=y"}

    _keep_cookie(jar, 'a=""; Max-Age=0; Path=/')
    _keep_cookie(jar, "b=gone; Max-Age = 0")
    assert jar == {}


def test_jobs_run_on_the_threads_asked_and_answer_in_order():
    seen: set[str] = set()

    def job(i: int):
        def run():
            seen.add(threading.current_thread().name)
            return {"i": i}
        return run

    results = run_threads([job(i) for i in range(20)], threads=3)

    assert [r["i"] for r in results] == list(range(20))
    assert 1 <= len(seen) <= 3


def test_form_bodies_are_encoded_as_urllib_does():
    from urllib.parse import urlencode

    from pixgar.bench.driver import _form

    fields = {"SAMLResponse": "PHNhbWxwOlJlc3BvbnNlIC8+ab+/cd==",
              "RelayState": "https://127.0.0.1:8444/a b?c=é&d"}

    assert _form(fields) == urlencode(fields)
