"""Our proxy against a stock SATOSA, login step by login step, in one process.

    .venv/bin/python benchmarks/login_vs_stock_satosa.py [--logins 30] [--json]
        [--redis-url redis://127.0.0.1:6379/12] [--roster-pupils 1000] [--profile 10]

What it compares. Two SATOSA applications, built in this process and driven in
alternation (ours, stock, ours, stock…) so that both share the machine's noise:

- **ours**: the development stack's proxy (``pixgar/stack.py``: ``GarServiceProvider``,
  ``PixOpenIDProvider``, the SIECLE match and pseudonym microservices, audit, metrics);
- **stock**: ``satosa.proxy_server.make_app`` with SATOSA's own ``SAMLBackend`` and
  ``OpenIDConnectFrontend``, no subclass, no microservice, configured with the same SP
  entityID, ACS URL, signing and encryption keys, the GAR simulator's IdP metadata, and
  the same relying party ``pix`` (client id, secret, redirect URI, scopes); pyop's storage
  in the same Redis database (SATOSA names the keys ``satosa:<collection>:…`` on both
  sides; codes, tokens and user ids are distinct, so nothing collides).

Each login, as the relying party and the browser would make it, requests routed
in-process to the WSGI application (``tests/support/wsgi_transport.py``, no sockets):
authorization request (code + PKCE S256, scope ``openid profile gar``) → redirect to the
simulator with a signed AuthnRequest → the simulator's signed answer
(``SimulatedGar.sso_response``, which checks the AuthnRequest's signature, ACS and issuer
against the SP metadata) → POST to the ACS → redirect with a code → token request
(``client_secret_basic``) → userinfo. The simulator's own time (signing the response) is
measured apart and left out of every proxy figure.

Figures, with ``time.perf_counter``: per step, the time spent inside the proxy's WSGI
application (what a server would see); ``login`` is the relying party's wall time from
the authorization request to the token response, minus the simulator's time (so it also
carries the in-process HTTP emulation of 3 requests, the same on both sides). ``stock/ours``
above 1 means ours is faster. A second table splits each step into the time spent in
``xmlsec1`` processes (pysaml2 forks one per signature check and per ``--version`` probe),
in encoding SATOSA's state cookie (``State.urlstate``: LZMA + AES, on every response that
does not delete the state) and in everything else; both are measured by wrapping those
two calls, on both sides alike. One login per side is made first and left out (warm-up).
``--profile N`` adds a cProfile of one more ACS POST of ours (top N entries).
About 20 s with the defaults on a 2-core machine.

Stock SATOSA's configuration and what it takes to accept the simulator's responses
(signature checks on, the GAR's RelayState rule relaxed for stock only) are
``pixgar.bench.stock_satosa``'s, shared with ``pixgar bench`` (which measures both over
real HTTP, under gunicorn, with concurrent logins).

Logging: ``make_app`` would install SATOSA's DEBUG-to-stdout logging for the whole
process; the stock app gets a no-op ``LOGGING`` instead, so both sides log under the
process's configuration (``kernel.logging_setup``: INFO, SATOSA/pysaml2/pyop at WARNING),
written to /dev/null when run from the command line. Redis: the database of
``--redis-url`` (default db 12) is flushed before and after the run from the command
line, so use one that nothing else uses. Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import cProfile
import hashlib
import json
import logging
import os
import pstats
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlencode, urlsplit

import redis

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import saml2.sigver  # noqa: E402
from satosa.state import State  # noqa: E402

from gar_sim.idp import SimulatedGar  # noqa: E402
from gar_sim.settings import settings_from_env  # noqa: E402
from pixgar.bench import pupils as bench_pupils  # noqa: E402
from pixgar.bench.stock_satosa import build_stock as build_stock_app  # noqa: E402
from pixgar.bench.stock_satosa import relaxed_relay_state, stock_config  # noqa: E402
from pixgar.stack import Stack, build_stack, stack_environment  # noqa: E402
from tests.support.wsgi_transport import routed_session  # noqa: E402

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"
PUPILS = bench_pupils.SIMULATOR_PUPILS
SCOPE = "openid profile gar"
STEPS = ("authorization", "acs", "token", "userinfo", "login")
SIDES = ("ours", "stock")

ONLY_OURS = ("GAR metadata freshness check, in-process response verification (proxy/saml: "
             "SAML schema, algorithm allow-lists, XSW-proof reference checks, RSA-OAEP/AES-GCM "
             "only), Destination/Recipient/audience/InResponseTo checks, pending "
             "AuthnRequest ids and assertion replay cache in Redis, GAR profile parsing, "
             "SIECLE roster match (DB), pseudonym lookup (DB), PKCE required, code single-use "
             "(Redis SET NX) and auth_time, release policy, audit write (file + fsync + Redis "
             "stream), metrics, sealed (HMAC) state cookie, request id, keyring reload check, "
             "security headers")
ONLY_STOCK = ("outstanding AuthnRequest ids in a per-process dict, random RelayState checked "
              "against the state cookie, sub from the IDO (user_id_from_attrs), user claims "
              "kept in Redis without expiry, SameSite compatibility cookie middleware")


# --------------------------------------------------------------------------- the two apps


class TimedApp:
    """A WSGI application that remembers how long its last request took inside it."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.last = 0.0
        self.profile: cProfile.Profile | None = None  # profiles the next request if set

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        profile, self.profile = self.profile, None
        started = time.perf_counter()
        with profile or contextlib.nullcontext():
            iterable = self.app(environ, start_response)
            try:
                body = list(iterable)
            finally:
                close = getattr(iterable, "close", None)
                if close is not None:
                    close()
        self.last = time.perf_counter() - started
        return body


def build_ours(data_dir: Path, redis_url: str) -> Stack:
    """The development stack (proxy, pix_core, GAR simulator, ENT) in ``data_dir``."""
    env = stack_environment({"PIXGAR_DATA_DIR": str(data_dir), "REDIS_URL": redis_url})
    return build_stack(env)


def build_stock(env: dict[str, str], data_dir: Path) -> Any:
    """The stock SATOSA of ``pixgar.bench.stock_satosa``, for this one process."""
    return build_stock_app(stock_config(env, data_dir))


# --------------------------------------------------------------------------- one login


PARTS = ("xmlsec1", "state cookie")


class Instruments:
    """Time spent in ``xmlsec1`` processes and in SATOSA's state cookie encoding.

    While installed, pysaml2's ``Popen`` (every ``xmlsec1`` run: fork, exec, wait) and
    ``satosa.state.State.urlstate`` (LZMA + AES of the state cookie, on every response)
    are wrapped; :meth:`snapshot` and :meth:`since` give what one request spent there.
    """

    def __init__(self) -> None:
        self.actions: list[str] = []  # --verify, --version, --decrypt… in order
        self.seconds = {part: 0.0 for part in PARTS}
        self._popen = saml2.sigver.Popen
        self._urlstate = State.urlstate

    def _run_xmlsec(self, command: list[str], *args: Any, **kwargs: Any) -> Any:
        self.actions.append(command[1] if len(command) > 1 else "?")
        started = time.perf_counter()
        process = self._popen(command, *args, **kwargs)
        communicate = process.communicate

        def timed_communicate(*a: Any, **k: Any) -> Any:
            try:
                return communicate(*a, **k)
            finally:
                self.seconds["xmlsec1"] += time.perf_counter() - started

        process.communicate = timed_communicate
        return process

    def _encode_state(self, state: State, *args: Any, **kwargs: Any) -> str:
        started = time.perf_counter()
        try:
            return self._urlstate(state, *args, **kwargs)
        finally:
            self.seconds["state cookie"] += time.perf_counter() - started

    @contextlib.contextmanager
    def installed(self) -> Iterator[Instruments]:
        def urlstate(state: State, *args: Any, **kwargs: Any) -> str:  # a method of State
            return self._encode_state(state, *args, **kwargs)

        with mock.patch.object(saml2.sigver, "Popen", self._run_xmlsec), \
                mock.patch.object(State, "urlstate", urlstate):
            yield self

    def snapshot(self) -> tuple[int, dict[str, float]]:
        return len(self.actions), dict(self.seconds)

    def since(self, mark: tuple[int, dict[str, float]]) -> tuple[list[str], dict[str, float]]:
        count, seconds = mark
        return self.actions[count:], {p: self.seconds[p] - seconds[p] for p in PARTS}


@dataclass
class Side:
    """One of the two proxies and what its logins measured."""

    name: str
    app: TimedApp
    gar_rules: Callable[[], contextlib.AbstractContextManager[Any]]
    times: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STEPS})
    parts: dict[str, dict[str, list[float]]] = field(
        default_factory=lambda: {s: {p: [] for p in PARTS} for s in STEPS})
    xmlsec_runs: list[list[str]] = field(default_factory=list)  # per ACS POST
    simulator: list[float] = field(default_factory=list)
    codes: int = 0
    tokens: int = 0
    userinfos: int = 0


class LoginFailed(RuntimeError):
    """A login did not reach the token response; the message says at which step."""


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def _expect(answer: Any, statuses: tuple[int, ...], side: str, step: str) -> None:
    if answer.status_code not in statuses:
        raise LoginFailed(f"{side}: {step} answered {answer.status_code}: {answer.text[:300]}")


@dataclass
class Login:
    """One login in progress: its side, and where the time of each step went."""

    side: Side
    instruments: Instruments
    steps: dict[str, float] = field(default_factory=dict)
    parts: dict[str, dict[str, float]] = field(default_factory=dict)
    xmlsec: list[str] = field(default_factory=list)
    simulator: float = 0.0
    completed: dict[str, bool] = field(
        default_factory=lambda: {"codes": False, "tokens": False, "userinfo": False})

    def call(self, step: str, request: Callable[[], Any]) -> Any:
        """Make the request of ``step``; keep the proxy's time and its parts."""
        mark = self.instruments.snapshot()
        answer = request()
        self.steps[step] = self.side.app.last
        actions, self.parts[step] = self.instruments.since(mark)
        if step == "acs":
            self.xmlsec = actions
        return answer

    def record(self) -> None:
        """Add this login's figures to its side's."""
        side = self.side
        self.parts["login"] = {p: sum(self.parts[s][p] for s in ("authorization", "acs", "token"))
                               for p in PARTS}
        side.codes += self.completed["codes"]
        side.tokens += self.completed["tokens"]
        side.userinfos += self.completed["userinfo"]
        side.simulator.append(self.simulator)
        for step, seconds in self.steps.items():
            side.times[step].append(seconds)
            for part in PARTS:
                side.parts[step][part].append(self.parts[step][part])
        side.xmlsec_runs.append(self.xmlsec)


def one_login(side: Side, env: dict[str, str], gar: SimulatedGar, user_id: str,
              instruments: Instruments, profile: cProfile.Profile | None = None) -> Login:
    """A whole login through ``side``; :meth:`Login.record` adds its figures to the side's."""
    proxy, secret = env["PROXY_BASE_URL"], env["PIX_CLIENT_SECRET"]
    redirect_uri = f"{env['PIX_BASE_URL']}/connexion/oidc/callback"
    session, _ = routed_session({proxy: side.app})
    login = Login(side, instruments)
    verifier, challenge = pkce_pair()
    state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    query = {"response_type": "code", "client_id": "pix", "redirect_uri": redirect_uri,
             "scope": SCOPE, "state": state, "nonce": nonce,
             "code_challenge": challenge, "code_challenge_method": "S256"}
    started = time.perf_counter()
    answer = login.call("authorization", lambda: session.get(
        f"{proxy}/gar/pix/authorization?{urlencode(query)}", allow_redirects=False))
    _expect(answer, (302, 303), side.name, "authorization request")
    gar_started = time.perf_counter()
    with side.gar_rules():
        acs, saml_response, relay = gar.sso_response(user_id,
                                                     urlsplit(answer.headers["Location"]).query)
    login.simulator = time.perf_counter() - gar_started
    side.app.profile = profile
    answer = login.call("acs", lambda: session.post(
        acs, data={"SAMLResponse": saml_response, "RelayState": relay}, allow_redirects=False))
    _expect(answer, (302, 303), side.name, "ACS")
    granted = query_of(answer.headers["Location"])
    if "code" not in granted or granted.get("state") != state:
        raise LoginFailed(f"{side.name}: ACS redirect without code: {sorted(granted)}")
    login.completed["codes"] = True
    answer = login.call("token", lambda: session.post(
        f"{proxy}/pix/token", auth=("pix", secret),
        data={"grant_type": "authorization_code", "code": granted["code"],
              "redirect_uri": redirect_uri, "code_verifier": verifier}))
    login.steps["login"] = time.perf_counter() - started - login.simulator
    _expect(answer, (200,), side.name, "token request")
    tokens = answer.json()
    if not tokens.get("access_token") or not tokens.get("id_token"):
        raise LoginFailed(f"{side.name}: token response without tokens: {sorted(tokens)}")
    login.completed["tokens"] = True
    answer = login.call("userinfo", lambda: session.get(
        f"{proxy}/pix/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"}))
    _expect(answer, (200,), side.name, "userinfo")
    login.completed["userinfo"] = bool(answer.json().get("sub"))
    return login


# --------------------------------------------------------------------------- the run


@dataclass
class Result:
    """What a run measured, per side (``ours``, ``stock``)."""

    sides: dict[str, Side]
    logins: int
    roster_pupils: int
    profile: str = ""

    def summary(self) -> dict[str, Any]:
        """Median and p90 per step (ms), ratios stock/ours, counts: the ``--json`` output."""
        steps: dict[str, Any] = {}
        for step in STEPS:
            row: dict[str, Any] = {n: _stats(side.times[step]) for n, side in self.sides.items()}
            ours, stock = row["ours"]["median_ms"], row["stock"]["median_ms"]
            row["ratio_stock_over_ours"] = round(stock / ours, 2) if ours and stock else None
            row["parts_median_ms"] = {n: _parts(side, step) for n, side in self.sides.items()}
            steps[step] = row
        return {
            "logins_per_side": self.logins,
            "roster_pupils": self.roster_pupils,
            "steps": steps,
            "xmlsec1_per_acs": {n: _xmlsec_runs(s.xmlsec_runs) for n, s in self.sides.items()},
            "simulator_ms_excluded": {n: _stats(s.simulator) for n, s in self.sides.items()},
            "completed": {n: {"codes": s.codes, "tokens": s.tokens, "userinfo": s.userinfos}
                          for n, s in self.sides.items()},
            "only_ours": ONLY_OURS,
            "only_stock": ONLY_STOCK,
        }


def _parts(side: Side, step: str) -> dict[str, float]:
    """Median ms of the step spent in ``xmlsec1``, in the state cookie, and elsewhere."""
    totals = side.times[step]
    if not totals:
        return {}
    parts = side.parts[step]
    rest = [total - sum(parts[p][i] for p in PARTS) for i, total in enumerate(totals)]
    medians = {p: statistics.median(parts[p]) for p in PARTS} | {"other": statistics.median(rest)}
    return {p: round(seconds * 1000, 2) for p, seconds in medians.items()}


def _xmlsec_runs(per_post: list[list[str]]) -> dict[str, float]:
    """Median number of ``xmlsec1`` processes per ACS POST, in all and by action."""
    if not per_post:
        return {}
    actions = sorted({action for post in per_post for action in post})
    runs = {"all": statistics.median(len(post) for post in per_post)}
    runs.update({action: statistics.median(post.count(action) for post in per_post)
                 for action in actions})
    return runs


def _stats(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"median_ms": None, "p90_ms": None}
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, max(0, round(0.9 * len(ordered)) - 1))]
    return {"median_ms": round(statistics.median(ordered) * 1000, 2),
            "p90_ms": round(p90 * 1000, 2)}


def run(logins: int = 30, redis_url: str = DEFAULT_REDIS_URL, data_dir: Path | None = None,
        roster_pupils: int = 1000, profile_top: int = 0) -> Result:
    """Build both proxies, make ``logins`` logins through each in alternation, measure."""
    with contextlib.ExitStack() as cleanup:
        if data_dir is None:
            data_dir = Path(cleanup.enter_context(tempfile.TemporaryDirectory(
                prefix="pixgar-vs-stock-")))
        stack = build_ours(data_dir / "stack", redis_url)
        bench_pupils.seed_roster(stack.env["DATABASE_URL"], data_dir, bench_pupils.roster_pupils(
            bench_pupils.invented_pupils(roster_pupils)))
        env = stack.env
        sides = {
            "ours": Side("ours", TimedApp(stack.apps[env["PROXY_BASE_URL"]]),
                         contextlib.nullcontext),
            "stock": Side("stock", TimedApp(build_stock(env, data_dir)), relaxed_relay_state),
        }
        gar = SimulatedGar(settings_from_env(env))
        instruments = cleanup.enter_context(Instruments().installed())
        for side in sides.values():  # warm-up, not recorded
            one_login(side, env, gar, PUPILS[0].user_id, instruments)
        for i in range(logins):
            user_id = PUPILS[i % len(PUPILS)].user_id
            for side in sides.values():
                one_login(side, env, gar, user_id, instruments).record()
        report = ""
        if profile_top:
            profiler = cProfile.Profile()
            one_login(sides["ours"], env, gar, PUPILS[0].user_id, instruments, profiler)
            report = _profile_report(profiler, profile_top)
        return Result(sides, logins, roster_pupils, report)


def _profile_report(profiler: cProfile.Profile, top: int) -> str:
    """The ``top`` entries by cumulative and by own time, below the request's call chain.

    Entries that take (nearly) the whole request, the chain from the WSGI entry down to
    the ACS handler, are left out of the cumulative list: they say nothing.
    """
    entries = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = max(ct for (_, _, _, ct, _) in entries.values())
    rows = [(ct, tt, nc, _where(key)) for key, (_, nc, tt, ct, _) in entries.items()]
    cumulative = sorted((r for r in rows if r[0] < 0.95 * total), reverse=True)[:top]
    own = sorted(rows, key=lambda r: r[1], reverse=True)[:top]
    lines = [f"one ACS POST of ours, {total * 1000:.1f} ms under cProfile",
             f"top {top} by cumulative time (ms, calls, function):"]
    lines += [f"{ct * 1000:9.1f} {nc:6d}  {where}" for ct, _, nc, where in cumulative]
    lines.append(f"top {top} by own time (ms, calls, function):")
    lines += [f"{tt * 1000:9.1f} {nc:6d}  {where}" for _, tt, nc, where in own]
    return "\n".join(lines)


def _where(key: tuple[str, int, str]) -> str:
    filename, line, function = key
    for marker in ("site-packages/", "/lib/python3.11/", str(REPO) + "/"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
    return f"{filename}:{line}({function})" if line else function


def table(result: Result) -> str:
    """The human-readable report."""
    summary = result.summary()
    lines = [f"{result.logins} logins per side, alternated; roster of "
             f"{result.roster_pupils + len(PUPILS)} pupils; ms inside the WSGI app "
             f"(login: RP wall time, simulator excluded)",
             f"{'step':<14}{'ours median':>12}{'ours p90':>10}{'stock median':>14}"
             f"{'stock p90':>11}{'stock/ours':>12}"]
    for step, row in summary["steps"].items():
        ours, stock = row["ours"], row["stock"]
        lines.append(f"{step:<14}{ours['median_ms']:>12.1f}{ours['p90_ms']:>10.1f}"
                     f"{stock['median_ms']:>14.1f}{stock['p90_ms']:>11.1f}"
                     f"{row['ratio_stock_over_ours']:>12.2f}")
    lines += ["", "where the time goes, median ms: xmlsec1 processes / state cookie encoding "
              "(LZMA+AES) / everything else",
              f"{'step':<14}{'ours xmlsec1':>13}{'cookie':>8}{'other':>8}"
              f"{'stock xmlsec1':>15}{'cookie':>8}{'other':>8}"]
    for step, row in summary["steps"].items():
        cells = "".join(f"{row['parts_median_ms'][name][part]:>{width}.1f}"
                        for name in SIDES
                        for part, width in zip((*PARTS, "other"),
                                               (13 if name == "ours" else 15, 8, 8),
                                               strict=True))
        lines.append(f"{step:<14}{cells}")
    runs = {name: ", ".join(f"{action} {count:g}" for action, count in counts.items())
            for name, counts in summary["xmlsec1_per_acs"].items()}
    simulator = summary["simulator_ms_excluded"]
    lines += ["", f"xmlsec1 processes per ACS POST: ours {runs['ours']}; stock {runs['stock']}",
              f"simulator (excluded), median ms: ours {simulator['ours']['median_ms']}, "
              f"stock {simulator['stock']['median_ms']}",
              f"only ours: {ONLY_OURS}.",
              f"only stock: {ONLY_STOCK}."]
    if result.profile:
        lines += ["", result.profile]
    return "\n".join(lines)


@contextlib.contextmanager
def logs_discarded() -> Iterator[None]:
    """Log records still formatted and written, but to /dev/null (the table stays readable)."""
    with open(os.devnull, "w", encoding="utf-8") as sink:
        handlers = [h for h in logging.getLogger().handlers
                    if isinstance(h, logging.StreamHandler)]
        previous = [h.setStream(sink) for h in handlers]
        try:
            yield
        finally:
            for handler, stream in zip(handlers, previous, strict=True):
                handler.setStream(stream)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=30, help="logins per side (default 30)")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL,
                        help="a Redis database for this run only: flushed before and after")
    parser.add_argument("--roster-pupils", type=int, default=1000,
                        help="invented pupils added to the school's roster (default 1000)")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="cProfile one more ACS POST of ours, print the top N entries")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    from kernel.logging_setup import configure_logging

    configure_logging("INFO")  # the proxy's own call (create_app) finds this handler
    database = redis.Redis.from_url(args.redis_url)
    database.flushdb()
    try:
        with logs_discarded():
            result = run(args.logins, args.redis_url, roster_pupils=args.roster_pupils,
                         profile_top=args.profile)
    finally:
        database.flushdb()
        database.close()
    if args.json:
        print(json.dumps({**result.summary(), "profile": result.profile or None}, indent=2))
    else:
        print(table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
