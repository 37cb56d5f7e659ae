"""The roster works in a process that loads nothing of pix_core, the proxy or pixgar: the
import writes a school's roster and the proxy's reader finds it (SQLite and PostgreSQL)."""

import json
import subprocess
import sys

from pix_core.database.migrate import upgrade

UAI = "0351234A"
ALONE = f"""
import datetime as dt, io, json, sys

from kernel.sql.engine import make_engine
from roster.reading import read_roster_file
from roster.reading.synthetic import siecle_csv, synthetic_pupils
from roster.sql.reader import RosterReader
from roster.sql.repositories import roster_unit_of_work_factory
from roster.usecases.import_siecle_roster import import_siecle_roster

engine = make_engine(sys.argv[1])
report = import_siecle_roster(
    "{UAI}", io.BytesIO(siecle_csv(synthetic_pupils(4))), "eleves.csv",
    uow=roster_unit_of_work_factory(engine)(), read_roster=read_roster_file,
    clock=lambda: dt.datetime(2024, 9, 2, tzinfo=dt.UTC), create_organization=True)
entries = RosterReader(engine).entries("{UAI}")
engine.dispose()
print(json.dumps({{
    "created": report.created,
    "read": len(entries or []),
    "loaded": sorted({{name.split(".")[0] for name in sys.modules}}
                     & {{"pix_core", "proxy", "pixgar", "gar_sim"}}),
}}))
"""


def test_the_roster_imports_and_reads_without_the_apps(database_url):
    upgrade(database_url)  # the schema is pix_core's to create, the roster only uses it

    done = subprocess.run([sys.executable, "-c", ALONE, database_url], capture_output=True,
                          text=True, timeout=120, check=False)

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"created": 4, "read": 4, "loaded": []}
