"""Cost per login of the proxy's roster matching and pseudonym microservices.

    .venv/bin/python benchmarks/siecle_match.py [--pupils 3000] [--logins 500] [--database-url URL]

Imports a synthetic 3,000-pupil SIECLE roster (the real importer), then runs the two
response microservices of the login path, as a proxy worker does, for pupils of that
roster (with their class, as the GAR sends it). Prints the time per login of each,
and, as a baseline measured in the same process, the time the proxy takes to verify and
read one signed SAML response (``proxy/saml``, what every login already pays).
Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from satosa.context import Context  # noqa: E402
from satosa.internal import InternalData  # noqa: E402

from kernel.sql.engine import make_engine  # noqa: E402
from pix_core.database.migrate import upgrade  # noqa: E402
from proxy.microservices.pseudonym import GarPseudonym  # noqa: E402
from proxy.microservices.siecle_match import SiecleMatch  # noqa: E402
from proxy.migrate import upgrade as upgrade_proxy  # noqa: E402
from roster.reading import read_roster_file  # noqa: E402
from roster.reading.synthetic import synthetic_pupils, write_siecle_xml  # noqa: E402
from roster.sql.repositories import (  # noqa: E402
    roster_unit_of_work_factory,
)
from roster.usecases.import_siecle_roster import import_siecle_roster  # noqa: E402

UAI = "0561641E"


def import_roster(database_url: str, pupils: list, tmp: Path) -> None:
    path = tmp / "ElevesSansAdresses.xml"
    with path.open("wb") as out:
        write_siecle_xml(out, pupils, UAI, "ISO-8859-15")
    engine = make_engine(database_url)
    with path.open("rb") as file:
        import_siecle_roster(UAI, file, path.name, uow=roster_unit_of_work_factory(engine)(),
                             read_roster=read_roster_file, clock=lambda: datetime.now(UTC),
                             create_organization=True)
    engine.dispose()


def gar_attributes(pupil, ido: str) -> dict:
    return {"ido": [ido], "uai": [UAI], "profiles": ["National_elv"],
            "givenname": [pupil.first_name or ""], "surname": [pupil.last_name or ""],
            "classes": [{"code": pupil.division or "", "label": ""}]}


def per_login(step, inputs: list) -> list[float]:
    times = []
    for item in inputs:
        started = time.perf_counter()
        step(item)
        times.append(time.perf_counter() - started)
    return times


def saml_baseline(tmp: Path, rounds: int = 20) -> float:
    """Median time for the proxy to verify and read one signed GAR response (proxy/saml)."""
    import os

    from gar_sim.idp import SimulatedGar
    from gar_sim.settings import settings_from_env
    from pixgar.stack import stack_environment
    from proxy.app import create_app

    env = stack_environment({**os.environ, "PIXGAR_DATA_DIR": str(tmp / "stack"),
                             "REDIS_URL": os.environ.get("REDIS_URL",
                                                         "redis://127.0.0.1:6379/11")})
    from proxy.settings import ProxySettings

    app = create_app(ProxySettings.from_env(env))
    backend = next(b for b in app.module_router.backends.values())["instance"]
    gar = SimulatedGar(settings_from_env(env))
    sp = f"{env['PROXY_BASE_URL']}/gar/metadata"
    responses = [gar.unsolicited_response("lea-lefevre", sp, env["PIX_BASE_URL"])[1]
                 for _ in range(rounds)]
    times = per_login(backend.reader.read, responses)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    options.add_argument("--pupils", type=int, default=3000)
    options.add_argument("--logins", type=int, default=500)
    options.add_argument("--database-url", help="default: a temporary SQLite file")
    args = options.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="match-bench-") as tmp_name:
        tmp = Path(tmp_name)
        database_url = args.database_url or f"sqlite:///{tmp}/bench.db"
        upgrade(database_url)
        upgrade_proxy(database_url)
        pupils = [p for p in synthetic_pupils(args.pupils) if p.ine and p.division]
        import_roster(database_url, pupils, tmp)
        chosen = random.Random(7).choices(pupils, k=args.logins)
        logins = [gar_attributes(p, f"{i:064x}") for i, p in enumerate(chosen)]

        matcher = SiecleMatch({"database_url": database_url}, name="m", base_url="b")
        matcher.next = lambda context, data: data
        pseudonym = GarPseudonym({"database_url": database_url,
                                  "keys": [{"version": "v1", "secret": "bench"}]},
                                 name="p", base_url="b")
        pseudonym.next = lambda context, data: data

        data = [InternalData(attributes=a) for a in logins]
        match_times = per_login(lambda d: matcher.process(Context(), d), data)
        statuses = [d.attributes["siecle_match"][0] for d in data]
        first_times = per_login(lambda d: pseudonym.process(Context(), d),
                                [InternalData(attributes=dict(a)) for a in logins])
        again_times = per_login(lambda d: pseudonym.process(Context(), d),
                                [InternalData(attributes=dict(a)) for a in logins])
        baseline = saml_baseline(tmp)

    def ms(values: list[float]) -> str:
        ordered = sorted(values)
        return (f"median {statistics.median(ordered) * 1000:.2f} ms, "
                f"p95 {ordered[int(len(ordered) * 0.95) - 1] * 1000:.2f} ms")

    print(f"database                  {database_url.split(':')[0]}, roster of {len(pupils)}")
    print(f"roster matching           {ms(match_times)} per login "
          f"({statuses.count('matched')} matched, {statuses.count('ambiguous')} ambiguous, "
          f"{statuses.count('none')} none of {len(statuses)})")
    print(f"pseudonym, first login    {ms(first_times)}")
    print(f"pseudonym, next logins    {ms(again_times)}")
    print(f"baseline: the proxy verifies one signed response in "
          f"{baseline * 1000:.1f} ms; matching + pseudonym = "
          f"{(statistics.median(match_times) + statistics.median(again_times)) / baseline:.0%}"
          f" of it")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
