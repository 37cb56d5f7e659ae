"""pixgar/bench/processes.py: a server's CPU is its whole tree's, forked children included."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from pixgar.bench import processes

# A "server": forks a child that burns CPU and is waited for (its CPU goes to the
# parent's cutime, as an xmlsec1 run goes to its gunicorn worker's), then forks a second
# child that burns CPU, prints its pid and stays alive, until stdin closes.
SERVER = textwrap.dedent("""
    import os, sys, time

    def burn(seconds):
        end = time.process_time() + seconds
        while time.process_time() < end:
            pass

    finished = os.fork()
    if finished == 0:
        burn(0.4)
        os._exit(0)
    os.waitpid(finished, 0)
    burn(0.1)
    alive = os.fork()
    if alive == 0:
        burn(0.3)
        print(os.getpid(), flush=True)
        time.sleep(60)
        os._exit(0)
    sys.stdin.read()
    os.kill(alive, 9)
    os.waitpid(alive, 0)
""")


@pytest.fixture
def server():
    process = subprocess.Popen([sys.executable, "-c", SERVER], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    try:
        alive = int(process.stdout.readline())
        yield process, alive
    finally:
        process.communicate("", timeout=30)


def test_the_tree_counts_the_live_child_and_the_child_already_waited_for(server):
    process, alive = server
    table = processes.snapshot()

    assert set(processes.tree(process.pid, table)) == {process.pid, alive}
    seconds = processes.tree_cpu_seconds(process.pid, table)
    assert seconds >= 0.75  # 0.4 (waited-for child) + 0.3 (live child) + parent's own
    assert table[process.pid].children_ticks / processes.CLOCK_TICKS >= 0.35
    assert processes.tree_cpu_seconds(alive, table) < seconds  # a subtree, not the tree


def test_the_tree_of_a_process_gone_is_empty():
    table = processes.snapshot()

    assert processes.tree(2**22 + 1, table) == []
    assert processes.tree_cpu_seconds(2**22 + 1, table) == 0


def test_stat_lines_are_read_whatever_the_command_name(tmp_path):
    fake = tmp_path / "4242"
    fake.mkdir()
    fields = " ".join(str(n) for n in range(5, 53))  # fields 5.. (after state and ppid)
    # a command name with spaces and a parenthesis, as a process may choose its own
    (fake / "stat").write_text(f"4242 (gunicorn: worker (x) [app]) S 17 {fields}\n")

    times = processes.read_times(4242, str(tmp_path))

    assert times is not None
    assert times.ppid == 17
    assert times.own_ticks == 14 + 15  # utime + stime (fields 14 and 15)
    assert times.children_ticks == 16 + 17  # cutime + cstime
    assert processes.read_times(4343, str(tmp_path)) is None


def test_memory_fields_are_summed_over_the_processes_given(tmp_path):
    for pid, kib in ((1, 1024), (2, 3072)):
        (tmp_path / str(pid)).mkdir()
        (tmp_path / str(pid) / "status").write_text(
            f"Name:\tx\nVmHWM:\t{kib * 2} kB\nVmRSS:\t{kib} kB\n")

    assert processes.memory_kib([1, 2, 3], "VmRSS", str(tmp_path)) == 4096
    assert processes.memory_kib([1, 2], "VmHWM", str(tmp_path)) == 8192


def test_the_machine_busy_time_leaves_idle_and_iowait_out(tmp_path):
    ticks = processes.CLOCK_TICKS
    # user nice system idle iowait irq softirq steal guest guest_nice
    (tmp_path / "stat").write_text(f"cpu  {ticks} {ticks} {ticks} {50 * ticks} {9 * ticks} "
                                   f"{ticks} {ticks} {ticks} 0 0\ncpu0 1 2 3\n")

    assert processes.machine_busy_seconds(str(tmp_path)) == 6.0
