"""``seed_demo`` on a real database: the roster is seeded once, never over the school's."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import sqlalchemy as sa

from gar_sim.users import SCHOOL_UAI
from kernel.sql.engine import make_engine
from pix_core.database.migrate import upgrade
from pixgar.demo_seed import DEMO_ROSTER, seed_demo
from roster.reading import read_roster_file
from roster.reading.synthetic import SyntheticPupil, siecle_xml
from roster.sql.repositories import roster_unit_of_work_factory
from roster.usecases.import_siecle_roster import import_siecle_roster


def active_ines(engine) -> set[str]:
    query = sa.text("SELECT ine FROM organization_learners WHERE is_active")
    with engine.connect() as connection:
        return set(connection.scalars(query))


def test_the_roster_is_seeded_once_and_a_later_import_is_kept(tmp_path):
    url = f"sqlite:///{tmp_path / 'pix.db'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        seed_demo(url, tmp_path)
        assert active_ines(engine) == {p.ine for p in DEMO_ROSTER}

        theirs = [SyntheticPupil("9", "070809999ZZ", "Autre", "Élève", "01/01/2011", "1", "3C")]
        import_siecle_roster(SCHOOL_UAI, io.BytesIO(siecle_xml(theirs, SCHOOL_UAI)),
                             "ElevesSansAdresses.xml",
                             uow=roster_unit_of_work_factory(engine)(),
                             read_roster=read_roster_file, clock=lambda: datetime.now(UTC))
        seed_demo(url, tmp_path)  # the next start of the demo

        assert active_ines(engine) == {"070809999ZZ"}
    finally:
        engine.dispose()


def test_the_demo_has_one_certification_session_with_two_candidates(tmp_path):
    url = f"sqlite:///{tmp_path / 'pix.db'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        first = seed_demo(url, tmp_path).certification
        again = seed_demo(url, tmp_path).certification  # the next start: the same session
        assert first is not None
        assert again is not None
        assert (again.id, again.access_code) == (first.id, first.access_code)
        with engine.connect() as connection:
            names = set(connection.scalars(sa.text(
                "SELECT first_name FROM certification_candidates")))
        assert names == {"Léa", "Noé"}
    finally:
        engine.dispose()
