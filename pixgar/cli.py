"""The ``pixgar`` command: demo, production servers, SP metadata, database migrations."""

from __future__ import annotations

import argparse
import sys


def _demo(_: argparse.Namespace) -> int:
    from pixgar.demo import run_demo

    return run_demo()


def _serve(args: argparse.Namespace) -> int:
    from pixgar.serve import serve_pix, serve_proxy

    return serve_proxy() if args.server == "proxy" else serve_pix()


def _metadata_export(_: argparse.Namespace) -> int:
    from proxy.metadata import export_sp_metadata
    from proxy.settings import ProxySettings

    sys.stdout.write(export_sp_metadata(ProxySettings.from_env()))
    sys.stdout.write("\n")
    return 0


def _db_upgrade(_: argparse.Namespace) -> int:
    from pix_core.adapters.sql.migrate import upgrade
    from pix_core.settings import database_url_from_env

    upgrade(database_url_from_env())
    print("database schema is up to date")
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
    metadata.add_parser("export", help="print the SP metadata to hand to the GAR"
                        ).set_defaults(run=_metadata_export)
    database = commands.add_parser("db", help="pix_core database").add_subparsers(
        dest="action", required=True)
    database.add_parser("upgrade", help="apply pix_core's migrations").set_defaults(run=_db_upgrade)
    return root


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``pixgar`` console script."""
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    except Exception as error:  # a precise one-line message for the admin, no traceback
        from proxy.clients import ClientsFileError
        from proxy.config import ConfigurationError
        from proxy.keys import MissingKeyError

        if isinstance(error, ConfigurationError | ClientsFileError | MissingKeyError):
            print(f"pixgar: {error}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    raise SystemExit(main())
