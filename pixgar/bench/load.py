"""Batches of logins, each in two timed phases with the GAR's signing in between.

For one side and one batch: phase A (timed) runs every login of the batch from
pix_core's ``/connexion/gar`` to the AuthnRequest, ``concurrency`` at a time; then the
GAR simulator signs one response per AuthnRequest (not timed: the servers are idle);
then phase B (timed) runs every login from the ACS to the profile page. Server CPU and
Redis commands are read just before and just after each timed phase; the throughput is
the successful logins over the timed phases' wall-clock time. The two sides take turns,
batch by batch, so that both see the same machine.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from gar_sim.users import GarUser
from pixgar.bench import driver, signer
from pixgar.bench.figures import STEPS, SideFigures
from pixgar.bench.meter import Meter
from pixgar.bench.stacks import Side

SPAWN = multiprocessing.get_context("spawn")  # no fork of a threaded, heavy coordinator


class DriverPool:
    """Driver processes (``driver.serve``), each holding some of the logins in flight."""

    def __init__(self, processes: int, sides: dict[str, Side]) -> None:
        configs = {name: driver.SideConfig(driver.Origin.of(side.env["PIX_BASE_URL"]),
                                           driver.Origin.of(side.env["PROXY_BASE_URL"]),
                                           side.cafile)
                   for name, side in sides.items()}
        self.connections: list[Connection] = []
        self.processes = []
        for _ in range(processes):
            ours, theirs = SPAWN.Pipe()
            process = SPAWN.Process(target=driver.serve, args=(theirs, configs), daemon=True)
            process.start()
            theirs.close()
            self.connections.append(ours)
            self.processes.append(process)

    def run(self, kind: str, side: str, shares: list[tuple[list[Any], int]]) -> list[dict]:
        """Give driver ``i`` its share ``(items, threads)``; wait for every answer."""
        busy = [(connection, items, threads) for connection, (items, threads)
                in zip(self.connections, shares, strict=False) if items]
        for connection, items, threads in busy:
            connection.send((kind, side, items, threads))
        return [connection.recv() for connection, _, _ in busy]

    def close(self) -> None:
        for connection in self.connections:
            with contextlib.suppress(OSError):
                connection.send(("stop",))
        for process in self.processes:
            process.join(timeout=10)
            if process.is_alive():
                process.terminate()


def split(items: list[Any], concurrency: int, drivers: int) -> list[tuple[list[Any], int]]:
    """Share ``items`` among driver processes in proportion to their threads.

    ``concurrency`` threads in all, spread as evenly as possible over at most ``drivers``
    processes; item ``i`` goes to the process whose turn it is in a cycle where each
    process appears once per thread.
    """
    used = max(1, min(drivers, concurrency))
    threads = [concurrency // used + (1 if i < concurrency % used else 0) for i in range(used)]
    cycle = [i for i, count in enumerate(threads) for _ in range(count)]
    shares: list[list[Any]] = [[] for _ in range(used)]
    for position, item in enumerate(items):
        shares[cycle[position % len(cycle)]].append(item)
    return list(zip(shares, threads, strict=True))


@dataclass
class Login:
    login_id: int
    pupil: int
    name: str
    driver: int = -1
    steps: dict[str, float] | None = None
    ok: bool = False


class Load:
    """Runs batches for both sides with one driver pool, one signer pool and one meter."""

    def __init__(self, sides: dict[str, Side], meter: Meter, users: list[GarUser],
                 drivers: DriverPool, signers: ProcessPoolExecutor) -> None:
        self.sides = sides
        self.meter = meter
        self.users = users
        self.drivers = drivers
        self.signers = signers
        self.next_id = 0
        self.started = dict.fromkeys(sides, 0)  # logins begun per side: the same pupils in turn

    def _logins(self, side: str, count: int) -> list[Login]:
        made = []
        for _ in range(count):
            pupil = self.started[side] % len(self.users)
            user = self.users[pupil]
            made.append(Login(self.next_id, pupil, f"{user.pre} {user.nom}"))
            self.next_id += 1
            self.started[side] += 1
        return made

    def batch(self, side: str, size: int, concurrency: int, figures: SideFigures) -> None:
        """One batch of ``size`` logins of ``side``, its figures added to ``figures``."""
        logins = {login.login_id: login for login in self._logins(side, size)}
        figures.attempted += size
        shares = split(list(logins.values()), concurrency, len(self.drivers.processes))
        for index, (share, _) in enumerate(shares):
            for login in share:
                login.driver = index
        queries = self._first_phase(side, logins, shares, figures)
        answers = self._sign(side, logins, queries, figures)
        self._second_phase(side, logins, answers, [threads for _, threads in shares], figures)

    def _first_phase(self, side: str, logins: dict[int, Login],
                     shares: list[tuple[list[Login], int]],
                     figures: SideFigures) -> dict[int, str]:
        """Phase A, timed: the AuthnRequest query of each login that got that far."""
        outcomes = self._timed(side, figures, "a", [
            ([(login.login_id, login.name) for login in share], threads)
            for share, threads in shares])
        queries = {}
        for outcome in outcomes:
            logins[outcome["id"]].steps = outcome["steps"]
            if not self._failed(outcome, figures):
                queries[outcome["id"]] = outcome["value"]
        return queries

    def _sign(self, side: str, logins: dict[int, Login], queries: dict[int, str],
              figures: SideFigures) -> list[list[tuple[int, str, str, str]]]:
        """The GAR's answers, not timed, grouped by the driver that holds each login."""
        signed = self.signers.map(signer.sign, [
            (side, login_id, logins[login_id].pupil, query)
            for login_id, query in queries.items()], chunksize=4)
        answers: list[list[tuple[int, str, str, str]]] = [
            [] for _ in self.drivers.processes]
        for login_id, result in signed:  # every response signed before phase B starts
            if isinstance(result, str):
                figures.add_error(result, result)
            else:
                answers[logins[login_id].driver].append((login_id, *result))
        return answers

    def _second_phase(self, side: str, logins: dict[int, Login],
                      answers: list[list[tuple[int, str, str, str]]], threads: list[int],
                      figures: SideFigures) -> None:
        """Phase B, timed: each successful login's steps, A and B, go to ``figures``."""
        outcomes = self._timed(side, figures, "b", list(zip(answers, threads, strict=False)))
        for outcome in outcomes:
            if self._failed(outcome, figures):
                continue
            steps = {**(logins[outcome["id"]].steps or {}), **outcome["steps"]}
            for step in STEPS:
                figures.steps[step].append(steps[step])
            figures.logins.append(sum(steps[step] for step in STEPS))
            figures.succeeded += 1

    @staticmethod
    def _failed(outcome: dict[str, Any], figures: SideFigures) -> bool:
        figures.retries += outcome.get("retries", 0)
        if "error" in outcome:
            figures.add_error(outcome["error"], outcome.get("detail", ""))
            return True
        return False

    def _timed(self, side: str, figures: SideFigures, kind: str,
               shares: list[tuple[list[Any], int]]) -> list[dict[str, Any]]:
        """One timed phase: the meter read around it; every login's outcome."""
        before = self.meter.read(side)
        replies = self.drivers.run(kind, side, shares)
        after = self.meter.read(side)
        cpu, commands, seconds = before.until(after)
        for component, used in cpu.items():
            figures.add_cpu(component, used)
        figures.metered_seconds += seconds
        figures.add_cpu("driver", sum(reply["cpu_seconds"] for reply in replies))
        figures.redis_commands.update(commands)
        if replies:
            figures.wall_seconds += (max(reply["ended"] for reply in replies)
                                     - min(reply["started"] for reply in replies))
        return [outcome for reply in replies for outcome in reply["results"]]

    def level(self, concurrency: int, logins: int, batch_size: int,
              after_batch: Callable[[int], None] | None = None) -> dict[str, SideFigures]:
        """``logins`` logins per side at ``concurrency``, the sides taking turns per batch."""
        figures = {name: SideFigures(name, concurrency) for name in self.sides}
        done, turn = 0, 0
        while done < logins:
            size = min(batch_size, logins - done)
            order = list(self.sides) if turn % 2 == 0 else list(reversed(self.sides))
            for name in order:
                self.batch(name, size, concurrency, figures[name])
            done += size
            turn += 1
            if after_batch is not None:
                after_batch(done)
        for name in self.sides:
            figures[name].peak_rss_mib = self.meter.peak_rss_mib(name)
        return figures
