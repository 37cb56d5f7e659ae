"""The load driver: pupils' browsers over HTTPS, in processes of their own.

Each driver process holds some of the logins in flight, one thread per concurrent login
(blocking sockets: a thread waiting on the network holds no lock). Requests go through
``http.client`` over one ``ssl`` context per side that trusts only that side's
certificate. A login behaves like a browser that was not there before: at the start of
each phase it opens a new TLS connection to each server it talks to (the pupil comes
back from the GAR after the connections were closed), then keeps it alive for the
phase. Cookies are kept per server; pages are read with regular expressions.

This module imports the standard library only: driver processes start fast and stay
small (the package's other modules are the servers' and the coordinator's).

Protocol with the coordinator (``multiprocessing`` connection): ``("a", side, logins,
threads)`` runs phase A of ``[(login_id, expected_name), ...]`` and answers the
AuthnRequest query of each; ``("b", side, answers, threads)`` runs phase B of
``[(login_id, acs_url, saml_response, relay_state), ...]``; ``("stop",)`` ends.
Each answer carries the phase's wall-clock bounds and the process's CPU time.
"""

from __future__ import annotations

import html
import http.client
import re
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus, urlsplit

TIMEOUT = 60.0
PROFILE_NAME = re.compile(r'class="user-name">([^<]*)<')
BASE64 = re.compile(r"[A-Za-z0-9+/=]*")
RETRYABLE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class LoginError(Exception):
    """A login went wrong at ``step``; ``kind`` is its category, ``detail`` an example."""

    def __init__(self, step: str, kind: str, detail: str = "") -> None:
        super().__init__(f"{step}: {kind}")
        self.kind = f"{step}: {kind}"
        self.detail = detail[:300]


@dataclass(frozen=True)
class Origin:
    """A server of one side, as ``https://host:port``."""

    host: str
    port: int

    @classmethod
    def of(cls, url: str) -> Origin:
        parts = urlsplit(url)
        return cls(parts.hostname or "", parts.port or 443)

    @property
    def url(self) -> str:
        return f"https://{self.host}:{self.port}"


@dataclass(frozen=True)
class SideConfig:
    """What a driver needs to know of a side: its two servers and their certificate."""

    pix: Origin
    proxy: Origin
    cafile: str

    def context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.cafile)


@dataclass
class Answer:
    status: int
    location: str
    body: bytes


@dataclass
class Visit:
    """One login's browser state: cookies per server, open connections, step times."""

    login_id: int
    expected_name: str
    cookies: dict[Origin, dict[str, str]] = field(default_factory=dict)
    connections: dict[Origin, http.client.HTTPSConnection] = field(default_factory=dict)
    steps: dict[str, float] = field(default_factory=dict)
    retries: int = 0

    def send(self, step: str, origin: Origin, context: ssl.SSLContext, method: str,
             path: str, form: Mapping[str, str] | None = None) -> Answer:
        """One request of ``step``, timed from sending to the last byte of the answer."""
        started = time.perf_counter()
        try:
            answer = self._exchange(origin, context, method, path, form)
        except (OSError, http.client.HTTPException) as error:
            self.close()
            raise LoginError(step, type(error).__name__, str(error)) from error
        self.steps[step] = time.perf_counter() - started
        return answer

    def _exchange(self, origin: Origin, context: ssl.SSLContext, method: str, path: str,
                  form: Mapping[str, str] | None) -> Answer:
        body = _form(form).encode("ascii") if form is not None else None
        headers = {"User-Agent": "pixgar-bench", "Accept": "text/html"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        jar = self.cookies.setdefault(origin, {})
        if jar:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in jar.items())
        connection = self.connections.get(origin)
        reused = connection is not None
        if connection is None:
            connection = self._connect(origin, context)
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
        except RETRYABLE:
            if not reused:
                raise
            # the server closed a kept-alive connection first: as a browser does, once more
            self.retries += 1
            connection.close()
            connection = self._connect(origin, context)
            connection.request(method, path, body, headers)
            response = connection.getresponse()
        data = response.read()
        for header in response.msg.get_all("Set-Cookie") or ():
            _keep_cookie(jar, header)
        if response.will_close:
            connection.close()
            del self.connections[origin]
        return Answer(response.status, response.getheader("Location") or "", data)

    def _connect(self, origin: Origin, context: ssl.SSLContext) -> http.client.HTTPSConnection:
        connection = http.client.HTTPSConnection(origin.host, origin.port, timeout=TIMEOUT,
                                                 context=context)
        self.connections[origin] = connection
        return connection

    def close(self) -> None:
        """Close the phase's connections (the next phase opens new ones)."""
        for connection in self.connections.values():
            connection.close()
        self.connections.clear()


def _form(fields: Mapping[str, str]) -> str:
    """``application/x-www-form-urlencoded``; base64 values (a SAMLResponse) the fast way."""
    return "&".join(f"{quote_plus(name)}={_form_value(value)}" for name, value in fields.items())


def _form_value(value: str) -> str:
    if BASE64.fullmatch(value):  # urllib quotes character by character: 0.6 ms per response
        return value.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
    return quote_plus(value)


def _keep_cookie(jar: dict[str, str], header: str) -> None:
    """Store (or drop, when expired) the cookie a ``Set-Cookie`` header sets."""
    pair, *attributes = header.split(";")
    name, _, value = pair.strip().partition("=")
    max_age = [setting.strip() for key, _, setting in (a.partition("=") for a in attributes)
               if key.strip().lower() == "max-age"]
    if value in ("", '""') or (max_age and max_age[0].lstrip("-").isdigit()
                               and int(max_age[0]) <= 0):
        jar.pop(name, None)
    else:
        jar[name] = value


def _path_on(url: str, origin: Origin, step: str) -> str:
    """The path (and query) of ``url`` if it is on ``origin``: a relative one is too."""
    if url.startswith("/"):
        return url
    parts = urlsplit(url)
    if (parts.scheme, parts.hostname, parts.port) != ("https", origin.host, origin.port):
        raise LoginError(step, "redirect elsewhere", url.split("?", 1)[0])
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _redirect(answer: Answer, step: str) -> str:
    if answer.status not in (302, 303) or not answer.location:
        raise LoginError(step, f"HTTP {answer.status}", _text(answer.body))
    return answer.location


def _text(body: bytes) -> str:
    """A short readable extract of an error page (tags and spaces removed)."""
    text = re.sub(r"<[^>]*>", " ", body.decode("utf-8", "replace"))
    return " ".join(text.split())[:300]


def phase_a(visit: Visit, side: SideConfig, context: ssl.SSLContext) -> str:
    """``/connexion/gar`` at pix_core, then the proxy's authorization: the AuthnRequest query."""
    answer = visit.send("pix_login", side.pix, context, "GET", "/connexion/gar")
    authorization = _path_on(_redirect(answer, "pix_login"), side.proxy, "pix_login")
    answer = visit.send("authorization", side.proxy, context, "GET", authorization)
    to_gar = _redirect(answer, "authorization")
    query = urlsplit(to_gar).query
    if "SAMLRequest=" not in query:
        raise LoginError("authorization", "no AuthnRequest", to_gar.split("?", 1)[0])
    return query


def phase_b(visit: Visit, side: SideConfig, context: ssl.SSLContext, acs_url: str,
            saml_response: str, relay_state: str) -> None:
    """The signed response to the ACS, pix_core's callback, then the profile page."""
    acs = _path_on(acs_url, side.proxy, "acs")
    answer = visit.send("acs", side.proxy, context, "POST", acs,
                        {"SAMLResponse": saml_response, "RelayState": relay_state})
    callback = _path_on(_redirect(answer, "acs"), side.pix, "acs")
    answer = visit.send("callback", side.pix, context, "GET", callback)
    profile = _path_on(_redirect(answer, "callback"), side.pix, "callback")
    answer = visit.send("profile", side.pix, context, "GET", profile)
    if answer.status != 200:
        raise LoginError("profile", f"HTTP {answer.status}", _text(answer.body))
    shown = PROFILE_NAME.search(answer.body.decode("utf-8", "replace"))
    if shown is None or html.unescape(shown.group(1)).strip() != visit.expected_name:
        raise LoginError("profile", "pupil not shown", "" if shown is None else "another name")


def run_threads(jobs: list[Callable[[], dict[str, Any]]], threads: int) -> list[dict[str, Any]]:
    """Run ``jobs`` on ``threads`` threads, each taking the next job when done; in order."""
    results: list[dict[str, Any]] = [{} for _ in jobs]
    lock = threading.Lock()
    position = iter(range(len(jobs)))

    def work() -> None:
        while True:
            with lock:
                index = next(position, None)
            if index is None:
                return
            results[index] = jobs[index]()

    workers = [threading.Thread(target=work) for _ in range(max(1, min(threads, len(jobs))))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results


class Driver:
    """One driver process's logins in flight, between phase A and phase B."""

    def __init__(self, sides: Mapping[str, SideConfig]) -> None:
        self.sides = dict(sides)
        self.contexts = {name: side.context() for name, side in self.sides.items()}
        self.visits: dict[int, Visit] = {}

    def _outcome(self, visit: Visit, action: Callable[[], Any]) -> dict[str, Any]:
        outcome: dict[str, Any] = {"id": visit.login_id}
        try:
            outcome["value"] = action()
        except LoginError as error:
            outcome["error"], outcome["detail"] = error.kind, error.detail
        finally:
            visit.close()
        outcome["steps"], outcome["retries"] = dict(visit.steps), visit.retries
        visit.steps.clear()
        visit.retries = 0
        return outcome

    def first_half(self, side: str, logins: list[tuple[int, str]],
                   threads: int) -> list[dict[str, Any]]:
        config, context = self.sides[side], self.contexts[side]
        self.visits = {login_id: Visit(login_id, name) for login_id, name in logins}

        def job(visit: Visit) -> Callable[[], dict[str, Any]]:
            return lambda: self._outcome(visit, lambda: phase_a(visit, config, context))

        return run_threads([job(visit) for visit in self.visits.values()], threads)

    def second_half(self, side: str, answers: list[tuple[int, str, str, str]],
                    threads: int) -> list[dict[str, Any]]:
        config, context = self.sides[side], self.contexts[side]

        def job(visit: Visit, acs: str, response: str, relay: str) -> Callable[[], Any]:
            return lambda: self._outcome(
                visit, lambda: phase_b(visit, config, context, acs, response, relay))

        jobs = [job(self.visits[login_id], acs, response, relay)
                for login_id, acs, response, relay in answers]
        results = run_threads(jobs, threads)
        self.visits.clear()  # logins the GAR refused never get a phase B
        return results


def serve(connection: Any, sides: Mapping[str, SideConfig]) -> None:
    """A driver process's loop: run the phases the coordinator asks for, answer figures."""
    driver = Driver(sides)
    while True:
        command = connection.recv()
        if command[0] == "stop":
            return
        kind, side, items, threads = command
        cpu, started = time.process_time(), time.monotonic()
        if kind == "a":
            results = driver.first_half(side, items, threads)
        else:
            results = driver.second_half(side, items, threads)
        ended = time.monotonic()
        connection.send({"results": results, "started": started, "ended": ended,
                         "cpu_seconds": time.process_time() - cpu})
