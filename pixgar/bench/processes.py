"""CPU time and memory of a server's whole process tree, read from ``/proc`` (Linux only).

A gunicorn server is a master, its workers and whatever they fork (stock pysaml2 runs
``xmlsec1`` several times per login). Its CPU is the sum, over every live process of the
tree, of the time it spent itself (``utime + stime``) and the time of the children it
has already waited for (``cutime + cstime``): a finished ``xmlsec1`` is in its worker's
``cutime``, a worker gunicorn replaced is in the master's. Take snapshots while the
servers are idle (between timed phases): a child that exits between the reading of its
parent and its own would be missed once, then found in the next snapshot.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PROC = "/proc"


@dataclass(frozen=True)
class ProcessTimes:
    """One process as ``/proc/<pid>/stat`` describes it."""

    pid: int
    ppid: int
    own_ticks: int  # utime + stime
    children_ticks: int  # cutime + cstime: children this process has waited for

    @property
    def seconds(self) -> float:
        return (self.own_ticks + self.children_ticks) / CLOCK_TICKS


def read_times(pid: int, proc: str = PROC) -> ProcessTimes | None:
    """The process's CPU times, or None if it is gone."""
    try:
        with open(f"{proc}/{pid}/stat", "rb") as file:
            data = file.read()
    except OSError:  # gone (ENOENT, ESRCH) between the listing and the read
        return None
    fields = data[data.rindex(b")") + 2:].split()  # the command name may hold spaces
    # fields[0] is field 3 of proc(5): state; 4 ppid; 14 utime; 15 stime; 16 cutime; 17 cstime
    return ProcessTimes(pid, int(fields[1]), int(fields[11]) + int(fields[12]),
                        int(fields[13]) + int(fields[14]))


def snapshot(proc: str = PROC) -> dict[int, ProcessTimes]:
    """Every process of the machine, read once."""
    found = {}
    for name in os.listdir(proc):
        if name.isdigit():
            times = read_times(int(name), proc)
            if times is not None:
                found[times.pid] = times
    return found


def tree(root: int, processes: Mapping[int, ProcessTimes]) -> list[int]:
    """``root`` and all its live descendants in ``processes`` (empty if ``root`` is gone)."""
    if root not in processes:
        return []
    children: dict[int, list[int]] = defaultdict(list)
    for times in processes.values():
        children[times.ppid].append(times.pid)
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending.extend(children.get(pid, ()))
    return found


def tree_cpu_seconds(root: int, processes: Mapping[int, ProcessTimes]) -> float:
    """CPU seconds used so far by ``root``'s tree, waited-for children included."""
    return sum(processes[pid].seconds for pid in tree(root, processes))


def machine_busy_seconds(proc: str = PROC) -> float:
    """CPU seconds the whole machine has spent busy since boot, all CPUs together.

    ``/proc/stat``'s first line: everything but ``idle`` and ``iowait`` (guest time is
    already in ``user`` and ``nice``).
    """
    with open(f"{proc}/stat", "rb") as file:
        fields = [int(value) for value in file.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def memory_kib(pids: Iterable[int], field: str, proc: str = PROC) -> int:
    """The sum of a ``/proc/<pid>/status`` memory field (``VmRSS``, ``VmHWM``) in KiB."""
    total = 0
    prefix = field.encode() + b":"
    for pid in pids:
        try:
            with open(f"{proc}/{pid}/status", "rb") as file:
                for line in file:
                    if line.startswith(prefix):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total


def tree_memory_mib(root: int, field: str = "VmRSS") -> float:
    """``field`` summed over ``root``'s live tree, in MiB.

    ``VmRSS``: resident now; ``VmHWM``: each process's own peak, so the sum is an upper
    bound of the tree's peak (pages shared since the fork are counted once per process).
    """
    return memory_kib(tree(root, snapshot()), field) / 1024
