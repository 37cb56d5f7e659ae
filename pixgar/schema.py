"""The database schema a ``pixgar`` command needs: created on SQLite, checked elsewhere.

The embedded database (an SQLite file, ``<data dir>/pix.db`` by default) is created and
brought up to date on first use, as ``pixgar demo`` does: there is nobody else to do it.
A server database (PostgreSQL) is migrated only by ``pixgar db upgrade``, run once per
release by whoever deploys: a command that finds it behind stops and names that command.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

EXIT_CODE = 3


class SchemaNotReady(Exception):
    """The database is behind the code, or unreachable: the message says what to do."""


class DatabaseUnreachable(SchemaNotReady):
    pass


@dataclass(frozen=True)
class Migrations:
    name: str
    upgrade: Callable[[str], None]
    is_up_to_date: Callable[[str], bool]


def _pix_core() -> Migrations:
    from pix_core.database import migrate

    return Migrations("pix_core", migrate.upgrade, migrate.is_up_to_date)


def _proxy() -> Migrations:
    from proxy import migrate

    return Migrations("proxy", migrate.upgrade, migrate.is_up_to_date)


def require_pix_schema(database_url: str) -> None:
    """pix_core's tables (accounts, organisations and their roster, campaigns)."""
    _require(database_url, [_pix_core()])


def require_proxy_schema(database_url: str) -> None:
    """The proxy's tables and the roster tables it reads (created by pix_core's migrations)."""
    _require(database_url, [_pix_core(), _proxy()])


def _require(database_url: str, every: list[Migrations]) -> None:
    if make_url(database_url).get_backend_name() == "sqlite":
        for migrations in every:
            migrations.upgrade(database_url)
        return
    try:
        behind = [m.name for m in every if not m.is_up_to_date(database_url)]
    except SQLAlchemyError as error:  # the message names the driver's error, not the URL
        raise DatabaseUnreachable(
            f"cannot reach the database ({type(getattr(error, 'orig', None) or error).__name__}): "
            "check "
            "DATABASE_URL and that the server is up") from None
    if behind:
        raise SchemaNotReady(f"the database schema ({', '.join(behind)}) is not up to date: "
                             "run `pixgar db upgrade` first")
