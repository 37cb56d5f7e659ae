"""The ``pixgar`` command: demo, production servers, SP metadata, database migrations.

Commands that need the database create the embedded SQLite schema on first use; on
PostgreSQL they exit 3 until ``pixgar db upgrade`` has run (pixgar/schema.py).
"""

from __future__ import annotations

import argparse
import sys


def _demo(_: argparse.Namespace) -> int:
    from pixgar.demo import run_demo

    return run_demo()


def _serve(args: argparse.Namespace) -> int:
    from pixgar.serve import serve_pix, serve_proxy

    return serve_proxy() if args.server == "proxy" else serve_pix()


def _db_upgrade(_: argparse.Namespace) -> int:
    from pix_core.database.migrate import upgrade
    from pix_core.settings import database_url_from_env
    from proxy.migrate import upgrade as upgrade_proxy
    from proxy.settings import ProxySettings

    upgrade(database_url_from_env())
    upgrade_proxy(ProxySettings.from_env().roster_database_url)
    print("database schema is up to date")
    return 0


def _siecle_import(args: argparse.Namespace) -> int:
    from pix_core.settings import database_url_from_env
    from pixgar.schema import require_pix_schema
    from pixgar.siecle_cli import run_siecle_import

    database_url = database_url_from_env()
    require_pix_schema(database_url)
    return run_siecle_import(args.file, args.uai, database_url)


def _orga_add_admin(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from kernel.sql.engine import make_engine
    from pix_core.database.unit_of_work import unit_of_work_factory
    from pix_core.orga.usecases.add_organization_admin import add_organization_admin
    from pix_core.settings import database_url_from_env
    from pixgar.schema import require_pix_schema

    database_url = database_url_from_env()
    require_pix_schema(database_url)
    engine = make_engine(database_url)
    try:
        with unit_of_work_factory(engine)() as uow:
            added = add_organization_admin(
                args.uai, args.email, first_name=args.first_name, last_name=args.last_name,
                organization_name=args.name, organizations=uow.organizations,
                users=uow.users, methods=uow.methods, memberships=uow.memberships,
                clock=lambda: datetime.now(UTC),
            )
            uow.commit()
    except ValueError as error:
        print(f"pixgar: {error}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print("organisation created" if added.organization_created else "organisation found")
    print("account created" if added.user_created else "account found")
    if added.temporary_password is not None:  # shown once, never stored in clear
        print(f"temporary password (shown once): {added.temporary_password}")
    print("ADMIN membership granted")
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="pixgar", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="run ENT, GAR simulator, proxy and pix_core on localhost"
                        ).set_defaults(run=_demo)
    serve = commands.add_parser("serve", help="run a production server (gunicorn)")
    serve.add_argument("server", choices=["proxy", "pix"])
    serve.set_defaults(run=_serve)
    metadata = commands.add_parser("metadata", help="SAML metadata").add_subparsers(
        dest="action", required=True)
    from pixgar.metadata_commands import add_parsers as add_metadata_parsers

    add_metadata_parsers(metadata)  # export, refresh (pixgar/metadata_commands.py)
    database = commands.add_parser("db", help="pix_core database").add_subparsers(
        dest="action", required=True)
    database.add_parser("upgrade", help="apply pix_core's migrations").set_defaults(run=_db_upgrade)
    siecle = commands.add_parser("siecle", help="school rosters (SIECLE)").add_subparsers(
        dest="action", required=True)
    siecle_import = siecle.add_parser(
        "import", help="import a SIECLE export (XML, zip or CSV) into the school's roster")
    siecle_import.add_argument("file", help="ElevesSansAdresses.xml, its .zip, or a .csv")
    siecle_import.add_argument("--uai", required=True, help="the school's UAI (created if new)")
    siecle_import.set_defaults(run=_siecle_import)
    orga = commands.add_parser("orga", help="Pix Orga").add_subparsers(
        dest="action", required=True)
    add_admin = orga.add_parser("add-admin", help="make an e-mail account ADMIN of a school")
    add_admin.add_argument("--uai", required=True, help="the school's UAI (e.g. 0561641E)")
    add_admin.add_argument("--email", required=True)
    add_admin.add_argument("--first-name", default="")
    add_admin.add_argument("--last-name", default="")
    add_admin.add_argument("--name", default=None, help="organisation name, if created")
    add_admin.set_defaults(run=_orga_add_admin)
    from pixgar.keys_cli import register as register_keys

    register_keys(commands)  # pixgar keys ...: key rotation (docs/adr/0006)
    from pixgar.audit_cli import register as register_audit

    register_audit(commands)  # pixgar audit report (docs/adr/0007)
    from pixgar.health_cli import register as register_health

    register_health(commands)  # pixgar health: the image's HEALTHCHECK
    from pixgar.bench.command import add_parser as add_bench_parser

    add_bench_parser(commands)  # pixgar bench: whole logins over HTTP, ours vs stock SATOSA
    return root


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``pixgar`` console script."""
    from pixgar import known_warnings

    known_warnings.silence()  # before any command imports pysaml2
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    except Exception as error:  # a precise one-line message for the admin, no traceback
        from pixgar.schema import EXIT_CODE, SchemaNotReady
        from proxy.errors import ConfigurationError
        from proxy.keys.files import MissingKeyError
        from proxy.oidc.clients import ClientsFileError

        if isinstance(error, ConfigurationError | ClientsFileError | MissingKeyError):
            print(f"pixgar: {error}", file=sys.stderr)
            return 2
        if isinstance(error, SchemaNotReady):
            print(f"pixgar: {error}", file=sys.stderr)
            return EXIT_CODE
        raise


if __name__ == "__main__":
    raise SystemExit(main())
