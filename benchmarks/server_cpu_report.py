"""Summarise ``benchmarks/server_cpu`` traces: server CPU per request kind and per login.

    .venv/bin/python benchmarks/server_cpu_report.py /tmp/run1

Logins are counted as pix_core's profile pages (``GET /profil``, one per login), warm-up
included: run with the default warm-up and enough logins that it weighs little.
"""

from __future__ import annotations

import argparse
import collections
import glob
import statistics


def report(prefix: str) -> str:
    lines = []
    for side in ("ours", "stock"):
        logins = 0
        for path in glob.glob(f"{prefix}.{side}-pix.*"):
            with open(path, encoding="utf-8") as file:
                logins += sum(" GET:/profil " in line for line in file)
        if logins:
            lines.append(f"{side}: {logins} logins (profile pages)")
            lines += [server_lines(prefix, f"{side}-{server}", logins)
                      for server in ("proxy", "pix")]
    return "\n".join(lines)


def server_lines(prefix: str, role: str, logins: int) -> str:
    samples: dict[str, list[int]] = collections.defaultdict(list)
    for path in glob.glob(f"{prefix}.{role}.*"):
        with open(path, encoding="utf-8") as file:
            for line in file:
                _, kind, value = line.split()
                samples[kind].append(int(value))
    lines, total = [f"== {role}"], 0
    for kind, values in sorted(samples.items(), key=lambda item: -sum(item[1])):
        if kind == "SQL-roundtrips":
            lines.append(f"  psycopg waits (database round trips at most) per login: "
                         f"{sum(values) / logins:.1f}")
            continue
        total += sum(values)
        lines.append(f"  {kind[:50]:<50} n={len(values):6} median "
                     f"{statistics.median(values) / 1000:7.2f} ms, per login "
                     f"{sum(values) / 1000 / logins:7.2f} ms")
    lines.append(f"  CPU per login (requests and TLS): {total / 1000 / logins:.2f} ms")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefix", help="PIXGAR_CPU_TRACE of the run")
    print(report(parser.parse_args().prefix))


if __name__ == "__main__":
    main()
