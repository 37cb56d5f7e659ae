"""SIECLE import benchmark: a synthetic ISO-8859-15 export, imported twice.

    .venv/bin/python benchmarks/siecle_import.py [--pupils 3000] [--database-url URL]

Generates ``ElevesSansAdresses.xml`` (invented names, about 2.9 KB per pupil), imports
it into a temporary SQLite database (or ``--database-url``, e.g. PostgreSQL: it is
migrated, and a random UAI is used so runs do not collide), then re-imports the same
file. Prints the file size, both import times, and the peak memory of the first import:
tracemalloc's peak (Python allocations) and the growth of the process's maximum RSS.
Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kernel.sql.engine import make_engine  # noqa: E402
from pix_core.database.migrate import upgrade  # noqa: E402
from roster.domain.roster import ImportReport  # noqa: E402
from roster.reading import read_roster_file  # noqa: E402
from roster.reading.synthetic import synthetic_pupils, write_siecle_xml  # noqa: E402
from roster.sql.repositories import (  # noqa: E402
    roster_unit_of_work_factory,
)
from roster.usecases.import_siecle_roster import import_siecle_roster  # noqa: E402


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _import(path: Path, uai: str, database_url: str) -> tuple[ImportReport, float]:
    engine = make_engine(database_url)
    try:
        started = time.perf_counter()
        with path.open("rb") as file:
            report = import_siecle_roster(
                uai, file, path.name, uow=roster_unit_of_work_factory(engine)(),
                read_roster=read_roster_file, clock=lambda: datetime.now(UTC),
                create_organization=True)
        return report, time.perf_counter() - started
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    options.add_argument("--pupils", type=int, default=3000)
    options.add_argument("--database-url", help="default: a temporary SQLite file")
    args = options.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="siecle-bench-") as tmp:
        database_url = args.database_url or f"sqlite:///{tmp}/bench.db"
        uais = [f"{random.randint(0, 9_999_999):07d}{letter}" for letter in "BC"]
        pupils = synthetic_pupils(args.pupils)
        paths = [Path(tmp) / f"{uai}" / "ElevesSansAdresses.xml" for uai in uais]
        for path, uai in zip(paths, uais, strict=True):
            path.parent.mkdir()
            with path.open("wb") as out:
                write_siecle_xml(out, pupils, uai, "ISO-8859-15")
        del pupils
        upgrade(database_url)
        size = paths[0].stat().st_size
        print(f"database      {database_url.split(':')[0]}")
        print(f"pupils        {args.pupils}")
        print(f"file size     {size / 1e6:.2f} MB ({size / args.pupils:.0f} bytes per pupil)")

        rss_before = _max_rss_mb()
        report, first = _import(paths[0], uais[0], database_url)
        rss_growth = _max_rss_mb() - rss_before
        print(f"first import  {first:.2f} s  (created {report.created})")
        report, again = _import(paths[0], uais[0], database_url)
        print(f"re-import     {again:.2f} s  (unchanged {report.unchanged}, "
              f"updated {report.updated})")

        tracemalloc.start()  # slows Python down: measured on another school's first import
        report, traced = _import(paths[1], uais[1], database_url)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"peak memory   max RSS +{rss_growth:.1f} MB during the first import; "
              f"tracemalloc peak {peak / 1e6:.1f} MB (first import of a 2nd school, "
              f"{traced:.2f} s under tracemalloc)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
