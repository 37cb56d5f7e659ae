"""Commands that need the schema, run as an administrator runs them: the ``pixgar`` script.

On the embedded default (an SQLite file in the data dir, not created yet) they create the
schema, as the demo does; on PostgreSQL they leave it alone and name ``pixgar db upgrade``.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from roster.reading.synthetic import siecle_csv, synthetic_pupils

PIXGAR = str(Path(sys.executable).with_name("pixgar"))
POSTGRES_ADMIN_URL = os.environ.get("PIXGAR_TEST_POSTGRES_URL",
                                    "postgresql+psycopg://postgres@127.0.0.1:5432/test")
UAI = "0561641E"


def pixgar(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DATABASE_URL", "PROXY_DATABASE_URL"}}
    return subprocess.run([PIXGAR, *args], env={**clean, **env}, capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.fixture
def roster_csv(tmp_path) -> Path:
    path = tmp_path / "eleves.csv"
    path.write_bytes(siecle_csv(synthetic_pupils(3)))  # Pix Orga's template
    return path


@pytest.fixture
def empty_postgres():
    """A PostgreSQL database nobody has migrated (created and dropped here)."""
    name = f"pixgar_cli_{secrets.token_hex(4)}"
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(POSTGRES_ADMIN_URL).set(database=name)
    yield url.render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def tables(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.mark.parametrize("first", ["siecle", "orga"])
def test_on_a_fresh_data_dir_the_commands_create_the_embedded_database(tmp_path, roster_csv,
                                                                       first):
    data_dir = tmp_path / "fresh"  # does not exist yet
    commands = {"siecle": ("siecle", "import", str(roster_csv), "--uai", UAI),
                "orga": ("orga", "add-admin", "--uai", UAI, "--email", "admin@exemple.fr")}
    order = [first, *(c for c in commands if c != first)]

    done = [pixgar(*commands[name], PIXGAR_DATA_DIR=str(data_dir)) for name in order]

    assert [r.returncode for r in done] == [0, 0], [r.stderr for r in done]
    imported = next(r for name, r in zip(order, done, strict=True) if name == "siecle")
    assert "3 créé(s)" in imported.stdout
    assert {"organizations", "organization_learners", "users", "alembic_version"} <= tables(
        f"sqlite:///{data_dir / 'pix.db'}")


def test_on_postgresql_the_commands_name_pixgar_db_upgrade_and_create_nothing(
        tmp_path, roster_csv, empty_postgres):
    env = {"PIXGAR_DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": empty_postgres}

    refused = [pixgar("siecle", "import", str(roster_csv), "--uai", UAI, **env),
               pixgar("orga", "add-admin", "--uai", UAI, "--email", "admin@exemple.fr", **env)]

    for result in refused:
        assert result.returncode == 3, result.stderr
        assert "pixgar db upgrade" in result.stderr
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith("pixgar: ")
    assert tables(empty_postgres) == set()

    assert pixgar("db", "upgrade", **env).returncode == 0
    imported = pixgar("siecle", "import", str(roster_csv), "--uai", UAI, **env)
    assert imported.returncode == 0
    assert "3 créé(s)" in imported.stdout


@pytest.fixture(scope="module")
def proxy_env(tmp_path_factory) -> dict[str, str]:
    """What ``pixgar serve proxy`` needs: the demo's development configuration."""
    from pixgar.stack import stack_environment

    data_dir = tmp_path_factory.mktemp("serve")
    env = stack_environment({"PIXGAR_DATA_DIR": str(data_dir),
                             "REDIS_URL": "redis://127.0.0.1:6379/9"})
    return {**env, "PIXGAR_GENERATE_DEV_KEYS": "1"}


def serve(server: str, env: dict[str, str], monkeypatch) -> tuple[int, list[object]]:
    """``pixgar serve <server>`` in this process, up to the point gunicorn would fork."""
    from pixgar.cli import main

    started: list[object] = []
    monkeypatch.setattr("pixgar.serve._Gunicorn.run", lambda self: started.append(self))
    monkeypatch.setattr("kernel.logging_setup.configure_logging", lambda *a, **k: None)
    for name in ("DATABASE_URL", "PROXY_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return main(["serve", server]), started


@pytest.mark.parametrize("server", ["pix", "proxy"])
def test_serve_creates_the_embedded_schema_before_forking(server, proxy_env, tmp_path,
                                                          monkeypatch):
    database = tmp_path / "fresh" / "pix.db"
    env = {**proxy_env, "DATABASE_URL": f"sqlite:///{database}"}

    status, started = serve(server, env, monkeypatch)

    assert status == 0
    assert len(started) == 1
    expected = {"organization_learners", "alembic_version"}
    if server == "proxy":
        expected |= {"proxy_identifier_subjects", "proxy_alembic_version"}
    assert expected <= tables(f"sqlite:///{database}")


@pytest.mark.parametrize("server", ["pix", "proxy"])
def test_serve_stops_before_forking_when_postgresql_is_behind(server, proxy_env,
                                                              empty_postgres, monkeypatch,
                                                              capsys):
    status, started = serve(server, {**proxy_env, "DATABASE_URL": empty_postgres},
                            monkeypatch)

    error = capsys.readouterr().err
    assert status == 3
    assert not started
    assert error.startswith("pixgar: ")
    assert "pixgar db upgrade" in error
    assert tables(empty_postgres) == set()


def test_a_postgresql_nobody_listens_on(proxy_env, roster_csv, monkeypatch, capsys):
    """Commands say so in one line; a server starts anyway and fails closed per request."""
    from pixgar.cli import main
    from tests.support.throwaway_services import free_port

    port = free_port()
    down = f"postgresql+psycopg://postgres@127.0.0.1:{port}/test?connect_timeout=2"
    monkeypatch.setenv("DATABASE_URL", down)

    assert main(["siecle", "import", str(roster_csv), "--uai", UAI]) == 3
    error = capsys.readouterr().err
    assert error.startswith("pixgar: cannot reach the database (OperationalError)")
    assert str(port) not in error
    assert "127.0.0.1" not in error

    status, started = serve("pix", {**proxy_env, "DATABASE_URL": down}, monkeypatch)
    assert status == 0
    assert len(started) == 1
