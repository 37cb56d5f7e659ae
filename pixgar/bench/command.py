"""``pixgar bench``: complete logins over real HTTP, ours against stock SATOSA, side by side.

    pixgar bench [--quick | --long] [--concurrency 1,8,32] [--logins N] [--workers 2]
                 [--threads 4] [--redis-url URL] [--database-url URL] [--server-times]

Starts everything it measures: a Redis server and a PostgreSQL cluster of its own (or
databases it owns on the servers given), then for each side a proxy and a pix_core on
gunicorn with TLS. Prints a table per concurrency level, then one JSON line (the last
line). Exit 0 when every login succeeded, 1 when some failed (they are in the figures),
2 when the run could not start.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
from pathlib import Path
from typing import Any

from pixgar.bench.plan import Plan

QUICK: dict[str, Any] = {"concurrency": "8", "logins": 32, "pupils": 8}
NORMAL: dict[str, Any] = {"concurrency": "1,8,32", "logins": 200, "pupils": 100}
LONG: dict[str, Any] = {"logins": 100_000, "pupils": 1000}


def add_parser(commands: Any) -> None:
    """Register ``pixgar bench`` on the ``pixgar`` command's sub-parsers."""
    bench = commands.add_parser(
        "bench", help="complete logins over HTTP: ours vs stock SATOSA, side by side",
        description="Complete logins over HTTPS, ours against a stock SATOSA on the same "
                    "settings, side by side; the last line printed is one JSON object.")
    mode = bench.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true",
                      help=f"one level ({QUICK['concurrency']}), {QUICK['logins']} logins per "
                           "side: within a minute")
    mode.add_argument("--long", action="store_true",
                      help=f"{LONG['logins']:,} logins per side at one level (the highest "
                           "given), memory sampled as it goes")
    bench.add_argument("--concurrency", help="logins in flight, one level or several: "
                                             f"1,8,32 (default {NORMAL['concurrency']})")
    bench.add_argument("--logins", type=int, help="logins per side and level (default "
                                                  f"{NORMAL['logins']})")
    cpus = multiprocessing.cpu_count()
    bench.add_argument("--workers", type=int, default=cpus,
                       help=f"gunicorn workers per server (default {cpus})")
    bench.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")
    bench.add_argument("--drivers", type=int, default=cpus,
                       help=f"load driver processes at most (default {cpus})")
    bench.add_argument("--batch", type=int, help="logins per batch (default 8 × concurrency, "
                                                 "16 to 256)")
    bench.add_argument("--pupils", type=int,
                       help=f"distinct pupils (in the roster), logged in in turn (default "
                            f"{NORMAL['pupils']}, --quick {QUICK['pupils']}, --long "
                            f"{LONG['pupils']})")
    bench.add_argument("--warmup", type=int,
                       help="logins per side first, not counted (default: each pupil once, "
                            "so that every timed login is a returning pupil's)")
    bench.add_argument("--sample-every", type=int,
                       help="--long: logins per side between memory samples (default 1/40th)")
    bench.add_argument("--redis-url", help="a Redis server to use instead of one of the "
                                           "bench's own; its database N (ours) and N+1 (stock) "
                                           "must be empty, they are emptied at the end")
    bench.add_argument("--database-url", help="a PostgreSQL server to use (an admin URL) "
                                              "instead of a cluster of the bench's own; a "
                                              "database per side is created, then dropped")
    bench.add_argument("--no-baseline", action="store_true",
                       help="ours only (a long run's memory, say); no stock SATOSA")
    bench.add_argument("--server-times", action="store_true",
                       help="gunicorn access logs on every server (path, status, duration: "
                            "costs a little CPU on both sides): server time per endpoint")
    bench.add_argument("--behind-haproxy", type=int, default=0, metavar="N",
                       help="ours as N proxies and N pix_cores behind HAProxy (TLS ended "
                            "there, round-robin per request, no stickiness); CPU per login "
                            "sums the N servers of a role, HAProxy's shown apart")
    bench.add_argument("--keep", action="store_true",
                       help="keep the run's directory (server logs, keys) and say where")
    bench.set_defaults(run=run_command)


def plan_of(args: argparse.Namespace) -> Plan:
    """The run the options ask for; ``ValueError`` with the option named if they make none."""
    defaults = QUICK if args.quick else {**NORMAL, **LONG} if args.long else NORMAL
    text = args.concurrency or defaults["concurrency"]
    try:
        levels = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise ValueError(f"--concurrency: expected numbers like 1,8,32, got {text!r}") from None
    if not levels or min(levels) < 1:
        raise ValueError("--concurrency: each level must be 1 or more")
    if args.long:
        levels = (max(levels),)
    logins = args.logins if args.logins is not None else int(defaults["logins"])
    pupils = args.pupils if args.pupils is not None else int(defaults["pupils"])
    for name, value in (("--logins", logins), ("--workers", args.workers),
                        ("--threads", args.threads), ("--drivers", args.drivers),
                        ("--pupils", pupils),
                        ("--batch", 1 if args.batch is None else args.batch)):
        if value < 1:
            raise ValueError(f"{name} must be 1 or more")
    return Plan(levels=levels, logins=logins, batch=args.batch, pupils=pupils,
                warmup=args.warmup if args.warmup is not None else max(pupils, 2 * args.workers),
                long=args.long, sample_every=args.sample_every or max(1, logins // 40),
                baseline=not args.no_baseline)


def run_command(args: argparse.Namespace) -> int:
    try:
        plan = plan_of(args)
    except ValueError as error:
        print(f"pixgar bench: {error}", file=sys.stderr)
        return 2
    if not Path("/proc/self/stat").exists():
        print("pixgar bench: reads CPU times from /proc: Linux only", file=sys.stderr)
        return 2
    # imported when a run starts: every `pixgar` command builds this parser, few run it
    from pixgar.bench.run import run
    from pixgar.bench.services import ServiceUnavailable

    try:
        return run(plan, args)
    except ServiceUnavailable as error:
        print(f"pixgar bench: {error}", file=sys.stderr)
        return 2
