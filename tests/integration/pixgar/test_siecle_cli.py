"""``pixgar siecle import``: exit codes, messages, and the roster left as it was on refusal
(SQLite and PostgreSQL)."""

import pytest
from sqlalchemy import func, select

from kernel.sql.engine import make_engine
from pix_core.database.migrate import upgrade
from pixgar.cli import main
from pixgar.siecle_cli import run_siecle_import
from roster.reading.synthetic import siecle_xml, synthetic_pupils
from roster.sql.tables import OrganizationLearnerRow, OrganizationRow

UAI = "0351234A"


@pytest.fixture
def engine(database_url):
    upgrade(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def rows(engine):
    with engine.connect() as connection:
        found = connection.execute(
            select(OrganizationLearnerRow.__table__).order_by(OrganizationLearnerRow.ine))
        return [dict(row._mapping) for row in found]


def test_cli_exit_codes(engine, database_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    good, bad = tmp_path / "ElevesSansAdresses.xml", tmp_path / "other.xml"
    good.write_bytes(siecle_xml(synthetic_pupils(15), UAI))
    broken = synthetic_pupils(16)
    broken[2].sex_code, broken[7].city_code = None, None
    bad.write_bytes(siecle_xml(broken, UAI))

    assert main(["siecle", "import", str(good), "--uai", UAI.lower()]) == 0
    out, err = capsys.readouterr()
    assert "15 créé(s)" in out
    assert "100 %" in err
    before = rows(engine)

    assert main(["siecle", "import", str(bad), "--uai", UAI]) == 1
    _, err = capsys.readouterr()
    assert "sex_missing [ELEVE_ID=1000002]" in err
    assert "birth_city_code_missing [ELEVE_ID=1000007]" in err
    assert rows(engine) == before

    assert main(["siecle", "import", str(good), "--uai", "0561641E"]) == 1
    assert "uai_mismatch" in capsys.readouterr().err
    assert main(["siecle", "import", str(tmp_path / "absent.xml"), "--uai", UAI]) == 2
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(OrganizationRow)) == 1


def test_the_import_command_on_a_database_without_its_tables(tmp_path, capsys):
    path = tmp_path / "ElevesSansAdresses.xml"
    path.write_bytes(siecle_xml(synthetic_pupils(3), UAI))
    assert run_siecle_import(str(path), UAI, f"sqlite:///{tmp_path}/empty.db") == 3
    assert "pixgar db upgrade" in capsys.readouterr().err
