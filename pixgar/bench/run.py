"""One run of ``pixgar bench``: stores and servers up, warm-up, the levels, the conclusions.

Everything started here is stopped on the way out, in reverse order: servers, driver
and signer processes, the side databases (dropped), the Redis databases (emptied when
the Redis server was given) and the bench's own Redis and PostgreSQL servers.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import re
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pixgar.bench import processes, report, signer
from pixgar.bench.figures import SideFigures, json_line
from pixgar.bench.load import SPAWN, DriverPool, Load
from pixgar.bench.meter import Meter, key_census, redis_for
from pixgar.bench.plan import Plan
from pixgar.bench.pupils import gar_user, invented_pupils
from pixgar.bench.stacks import Databases, GunicornSettings, Side, prepare_side, running


def say(line: str = "") -> None:
    print(line, flush=True)


def run(plan: Plan, args: argparse.Namespace) -> int:
    """The whole run; 0 when every login succeeded, 1 otherwise (the JSON line says which)."""
    started = time.monotonic()
    with contextlib.ExitStack() as cleanup:
        stopped_by_signal(cleanup)
        bench = Bench.start(plan, args, cleanup)
        say(f"setup {time.monotonic() - started:.0f}s")
        bench.warm_up()
        levels = [bench.level(concurrency) for concurrency in plan.levels]
        document = bench.conclude(levels)
        say(f"total {time.monotonic() - started:.0f}s")
    say(json_line(document))  # the last line
    return 0 if not document["errors"] and not document["baseline_errors"] else 1


def stopped_by_signal(cleanup: contextlib.ExitStack) -> None:
    """SIGTERM ends the run as Ctrl-C does: through ``cleanup``, servers stopped.

    The servers run in sessions of their own (a terminal's Ctrl-C does not reach them),
    so an ending without cleanup would leave them running.
    """
    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(f"pixgar bench: stopped by signal {signum}")

    previous = signal.signal(signal.SIGTERM, stop)
    cleanup.callback(signal.signal, signal.SIGTERM, previous)


@dataclass
class Bench:
    """A run's sides, servers, load and meter, once started."""

    plan: Plan
    args: argparse.Namespace
    sides: dict[str, Side]
    urls: dict[str, str]  # Redis database of each side
    meter: Meter
    load: Load
    series: list[dict[str, Any]] = field(default_factory=list)  # --long: memory samples
    balancer_cpu_at_start: float = 0.0  # HAProxy's CPU seconds when the timed logins begin

    @classmethod
    def start(cls, plan: Plan, args: argparse.Namespace,
              cleanup: contextlib.ExitStack) -> Bench:
        names = ["ours", "stock"] if plan.baseline else ["ours"]
        directory = Path(tempfile.mkdtemp(prefix="pixgar-bench-"))
        if args.keep:
            say(f"run directory (kept): {directory}")
        else:
            cleanup.callback(shutil.rmtree, directory, ignore_errors=True)
        redis_url, redis_pid, redis_text = cleanup.enter_context(redis_server(args.redis_url))
        urls = side_redis_urls(redis_url, names)
        cleanup.enter_context(owned_databases(urls, emptied=args.redis_url is not None))
        admin_url, database_pid, database_text = cleanup.enter_context(
            postgres_server(args.database_url))
        databases = Databases(admin_url)
        cleanup.callback(databases.drop_all)
        sides = {name: prepare_side(name, directory / name, urls[name], databases.create(name),
                                    plan.pupils) for name in names}
        drivers = DriverPool(min(args.drivers, max(plan.levels)), sides)
        cleanup.callback(drivers.close)
        signers = cleanup.enter_context(ProcessPoolExecutor(
            max_workers=multiprocessing.cpu_count(), mp_context=SPAWN, initializer=signer.start,
            initargs=({n: s.env for n, s in sides.items()}, plan.pupils,
                      ("stock",) if plan.baseline else ())))
        settings = GunicornSettings(args.workers, args.threads, args.server_times,
                                    getattr(args, "behind_haproxy", 0))
        cleanup.enter_context(running(list(sides.values()), settings, directory))
        redis_client = redis_for(redis_url)
        cleanup.callback(redis_client.close)
        meter = Meter(sides, redis_client, redis_pid, database_pid)
        users = [gar_user(pupil) for pupil in invented_pupils(plan.pupils)]
        describe(names, args, redis_text, database_text)
        return cls(plan, args, sides, urls, meter, Load(sides, meter, users, drivers, signers))

    def warm_up(self) -> None:
        """Logins that count nowhere: workers have served, caches are filled, pupils known."""
        if self.plan.warmup:
            self._warm_up()
        for server in self.servers_with_access_log():
            server.access_log_offset = server.access_log.stat().st_size  # type: ignore[union-attr]
        self.balancer_cpu_at_start = self.balancer_cpu()
        self.sample(0)

    def _warm_up(self) -> None:
        say(f"warm-up: {self.plan.warmup} logins per side ({self.plan.pupils} pupils, each "
            "timed login a returning pupil's when the warm-up covers them all)")
        concurrency = min(8, max(self.plan.levels))
        warm = self.load.level(concurrency, self.plan.warmup, self.plan.batch_size(concurrency))
        for name, figures in warm.items():
            if not figures.succeeded:
                say(report.level_table(warm))
                tails = "\n".join(f"--- {server.role} log (end):\n{server.tail()}"
                                  for server in self.sides[name].servers)
                raise SystemExit(f"pixgar bench: no login of {name} succeeded during the "
                                 f"warm-up\n{tails}")

    def level(self, concurrency: int) -> dict[str, SideFigures]:
        figures = self.load.level(concurrency, self.plan.logins,
                                  self.plan.batch_size(concurrency), self.sample)
        for name, side in figures.items():
            explain_errors(side, self.sides[name])
        say()
        say(report.level_table(figures))
        return figures

    def sample(self, done: int) -> None:
        """--long: the memory series, every ``sample_every`` logins per side and at the end."""
        last = self.series[-1]["logins"] if self.series else None
        due = last is None or done - last >= self.plan.sample_every or done == self.plan.logins
        if not self.plan.long or not due or done == last:
            return
        point: dict[str, Any] = {"logins": done}
        for name in self.sides:
            point[name] = self.meter.memory(name)
            point["redis_used_memory_mb"] = point[name].pop("redis_used_memory_mb")
        self.series.append(point)
        say(report.memory_line(point))

    def balancer_cpu(self) -> float:
        """HAProxy's CPU seconds so far (0 without ``--behind-haproxy``)."""
        balancer = self.sides["ours"].balancer
        times = processes.read_times(balancer.pid) if balancer is not None else None
        return times.seconds if times is not None else 0.0

    def servers_with_access_log(self) -> list[Any]:
        return [server for side in self.sides.values() for server in side.servers
                if server.access_log is not None]

    def conclude(self, levels: list[dict[str, SideFigures]]) -> dict[str, Any]:
        """Keys that never expire, server times: printed; everything in the JSON document."""
        census = {name: key_census(url) for name, url in self.urls.items()}
        persistent = {name: {pattern: counts["without_ttl"]
                             for pattern, counts in found.items() if counts["without_ttl"]}
                      for name, found in census.items()}
        say()
        say("Redis keys by pattern (count, never expiring, longest TTL left in s):")
        say(report.census_table(census))
        extra: dict[str, Any] = {
            "tls": True, "idp": "responses signed between timed phases",
            "workers": self.args.workers, "threads": self.args.threads,
            "driver_processes": len(self.load.drivers.processes),
            "pupils": self.plan.pupils, "warmup": self.plan.warmup,
            "keys_without_ttl": persistent["ours"],
            "baseline_keys_without_ttl": persistent.get("stock"),
            "redis_keys": census,
        }
        if self.series:
            extra["memory_series"] = self.series
        if self.args.behind_haproxy:
            timed = sum(level["ours"].succeeded for level in levels)
            used = self.balancer_cpu() - self.balancer_cpu_at_start
            extra["behind_haproxy"] = self.args.behind_haproxy
            extra["haproxy_cpu_ms_per_login"] = round(1000 * used / max(1, timed), 2)
            say(f"HAProxy (TLS ended there, {self.args.behind_haproxy} + "
                f"{self.args.behind_haproxy} servers): "
                f"{extra['haproxy_cpu_ms_per_login']} ms CPU per login")
        servers = self.servers_with_access_log()
        if servers:
            times = report.server_times({f"{s.side} {s.role}": s.access_log for s in servers},
                                        {f"{s.side} {s.role}": s.access_log_offset
                                         for s in servers})
            extra["server_times"] = times
            say(report.server_times_table(times))
        return report.headline(levels, extra)


ERROR_REFERENCE = re.compile(r"Référence de l'erreur : ([A-Z0-9]{6,16})")


def explain_errors(figures: SideFigures, side: Side) -> None:
    """Add to each error's example what the servers logged under its error reference.

    The error page shows a reference that pix_core (or the proxy) logged with the error's
    kind, the server's own words: the line is quoted, its request id left out.
    """
    logs = [server.log for server in side.servers]
    for kind, example in figures.error_examples.items():
        found = ERROR_REFERENCE.search(example)
        if found is None or "server log:" in example:
            continue
        line = server_log_line(logs, f"ref={found.group(1)}")
        if line:
            figures.error_examples[kind] = f"{example[:120]}… server log: {line}"


def server_log_line(logs: list[Path], needle: str) -> str:
    """The first line of ``logs`` holding ``needle``, request id removed; "" if none."""
    for log in logs:
        try:
            with log.open(encoding="utf-8", errors="replace") as file:
                for line in file:
                    if needle in line:
                        return re.sub(r" rid=\S+", "", line.strip())[:300]
        except OSError:
            continue
    return ""


def describe(names: list[str], args: argparse.Namespace, redis_text: str,
             database_text: str) -> None:
    """What is measured and how: the run's first lines."""
    say(f"pixgar bench: {', '.join(names)}; every server on gunicorn, {args.workers} "
        f"workers × {args.threads} threads, TLS on (the development certificate of "
        "kernel/devkeys, verified by the driver and by pix_core)")
    say(f"{redis_text}; {database_text}")
    say("IdP: the GAR simulator signs each response between the timed phases (phase A: "
        "/connexion/gar → authorization → AuthnRequest; phase B: ACS → callback (token, "
        "userinfo) → profile); its CPU and time are in no figure")
    say("each login is a new browser: new TLS connections per server and phase, kept alive "
        "within it; a login counts when the profile page shows the pupil's name")
    if "stock" in names:
        say("stock: SATOSA's SAMLBackend + OpenIDConnectFrontend, xmlsec1, signatures "
            "checked; allow_unsolicited true as in SATOSA's example (its outstanding requests "
            "are per process); pyop finds a sub by scanning every pupil it has seen (KEYS "
            "+ GET each), so its cost grows with the pupils known (here --pupils)")


@contextlib.contextmanager
def redis_server(url: str | None) -> Iterator[tuple[str, int | None, str]]:
    """``(url, pid or None, description)``: the server given, or one of the bench's own."""
    if url:
        yield url, None, (f"Redis at {url.split('@')[-1]} (other clients' commands would "
                          "count too)")
        return
    from pixgar.bench.services import RedisServer

    server = RedisServer().start()
    try:
        yield server.url, server.pid, f"Redis: a redis-server of the bench's own ({server.port})"
    finally:
        server.close()


@contextlib.contextmanager
def postgres_server(url: str | None) -> Iterator[tuple[str, int | None, str]]:
    """``(admin url, postmaster pid or None, description)``: given, or the bench's own."""
    if url:
        yield url, None, "PostgreSQL: databases created on the server given, dropped after"
        return
    from pixgar.bench.services import PostgresCluster

    cluster = PostgresCluster().start()
    try:
        yield cluster.url, cluster.pid, ("PostgreSQL: a cluster of the bench's own (fsync "
                                         "and full_page_writes off)")
    finally:
        cluster.close()


def side_redis_urls(url: str, names: list[str]) -> dict[str, str]:
    """Database N for ours, N+1 for stock, on the server of ``url``."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return {name: urlunsplit(parts._replace(path=f"/{base + i}")) for i, name in enumerate(names)}


@contextlib.contextmanager
def owned_databases(urls: dict[str, str], emptied: bool) -> Iterator[None]:
    """The Redis databases of the run: refused unless empty; ``emptied`` at the end.

    They were empty, so what they hold at the end is what the run wrote.
    """
    for name, url in urls.items():
        client = redis_for(url)
        try:
            if client.dbsize():
                raise SystemExit(f"pixgar bench: Redis database {urlsplit(url).path[1:]} "
                                 f"({name}) is not empty: the bench needs databases of its own")
        finally:
            client.close()
    try:
        yield
    finally:
        if emptied:
            for url in urls.values():
                client = redis_for(url)
                try:
                    for key in client.scan_iter(count=1000):
                        client.unlink(key)
                finally:
                    client.close()
