"""The pupils a benchmark logs in: invented, in the simulator's school roster, known to the GAR.

The roster (SIECLE) holds the simulator's own pupils (``pixgar.demo_seed``) plus invented ones
(``roster.reading.synthetic``); :func:`gar_user` gives the GAR's view of an
invented pupil, so that the proxy finds it in the roster as it would a real one.
Nothing here is a real person.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from gar_sim.users import SCHOOL_UAI, USERS, GarUser
from pixgar.demo_seed import DEMO_ROSTER
from roster.reading.synthetic import SyntheticPupil, siecle_xml, synthetic_pupils

SIMULATOR_PUPILS = tuple(user for user in USERS if "National_elv" in user.pro)


def roster_pupils(invented: list[SyntheticPupil]) -> list[SyntheticPupil]:
    """The school's roster: the simulator's pupils (as the demo seeds them), then ``invented``."""
    return [*DEMO_ROSTER, *invented]


def invented_pupils(count: int) -> list[SyntheticPupil]:
    """``count`` invented pupils, the same ones on every call (fixed seed)."""
    return synthetic_pupils(count)


def gar_user(pupil: SyntheticPupil) -> GarUser:
    """The GAR's attributes for an invented pupil of the simulator's school."""
    division = pupil.division or "3A"
    return GarUser(user_id=f"bench-{pupil.eleve_id}", nom=pupil.last_name or "",
                   pre=pupil.first_name or "", civ="M." if pupil.sex_code == "1" else "Mme",
                   pro=("National_elv",), div=(f"{division}##{division}",))


def seed_roster(database_url: str, data_dir: Path, pupils: list[SyntheticPupil]) -> None:
    """Import ``pupils`` as the simulator school's SIECLE roster into ``database_url``."""
    from kernel.sql.engine import make_engine
    from roster.reading import read_roster_file
    from roster.sql.repositories import roster_unit_of_work_factory
    from roster.usecases.import_siecle_roster import import_siecle_roster

    path = data_dir / "ElevesSansAdresses.xml"
    path.write_bytes(siecle_xml(pupils, SCHOOL_UAI))
    engine = make_engine(database_url)
    try:
        with path.open("rb") as file:
            import_siecle_roster(SCHOOL_UAI, file, path.name,
                                 uow=roster_unit_of_work_factory(engine)(),
                                 read_roster=read_roster_file, clock=lambda: datetime.now(UTC),
                                 create_organization=True)
    finally:
        engine.dispose()
