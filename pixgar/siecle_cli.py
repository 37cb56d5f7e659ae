"""``pixgar siecle import FILE --uai UAI``: the admin's import, with a progress bar on stderr.

Exit codes: 0 imported; 1 file refused (each error printed with its code and location);
2 file not found or unreadable; 3 database unreachable or not migrated.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from sqlalchemy.exc import SQLAlchemyError

from kernel.clock import Clock
from kernel.sql.engine import make_engine
from roster.domain.errors import SiecleImportError
from roster.domain.roster import ImportReport
from roster.reading.reader import read_roster_file
from roster.sql.repositories import roster_unit_of_work_factory
from roster.usecases.import_siecle_roster import import_siecle_roster

MAX_PRINTED_ERRORS = 200
SKIP_LABELS = {"left": "sortis de l'établissement", "without_ine": "sans INE",
               "without_class": "sans classe"}


class ProgressBar:
    """``Lecture [#####-----]  50 %`` redrawn on stderr when the percentage changes."""

    WIDTH = 30

    def __init__(self, total: int, out: TextIO) -> None:
        self.total, self.out, self._shown = max(total, 1), out, -1

    def update(self, done: int) -> None:
        percent = min(100, done * 100 // self.total)
        if percent != self._shown:
            self._shown = percent
            filled = percent * self.WIDTH // 100
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            self.out.write(f"\rLecture du fichier [{bar}] {percent:3d} %")
            self.out.flush()

    def finish(self, label: str) -> None:
        self.out.write(f"\n{label}\n")
        self.out.flush()


class ProgressFile:
    """A binary file that reports how far it was read."""

    def __init__(self, raw: object, bar: ProgressBar) -> None:
        self._raw, self._bar = raw, bar

    def read(self, size: int = -1) -> bytes:
        data: bytes = self._raw.read(size)  # type: ignore[attr-defined]
        self._bar.update(self.tell())
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        return int(self._raw.seek(offset, whence))  # type: ignore[attr-defined]

    def tell(self) -> int:
        return int(self._raw.tell())  # type: ignore[attr-defined]

    def seekable(self) -> bool:
        return True


def run_siecle_import(path: str, uai: str, database_url: str, *, clock: Clock | None = None,
                      out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    try:
        size = Path(path).stat().st_size
        raw = open(path, "rb")  # noqa: SIM115  closed by the `with raw` below, after the
        # open's own OSError was told apart from the import's
    except OSError as error:
        print(f"pixgar: fichier illisible : {error.strerror or error}", file=err)
        return 2
    engine = make_engine(database_url)
    bar = ProgressBar(size, err)
    try:
        with raw:
            report = import_siecle_roster(
                uai, ProgressFile(raw, bar), Path(path).name,  # type: ignore[arg-type]
                uow=roster_unit_of_work_factory(engine)(), read_roster=read_roster_file,
                clock=clock or (lambda: datetime.now(UTC)), create_organization=True)
    except SiecleImportError as error:
        bar.finish("Import refusé : le référentiel précédent est inchangé.")
        _print_errors(error, err)
        return 1
    except SQLAlchemyError:
        bar.finish("Import interrompu.")
        print("pixgar: base de données inaccessible ou non migrée (pixgar db upgrade)",
              file=err)
        return 3
    finally:
        engine.dispose()
    bar.finish("Import terminé.")
    print(summary(uai.strip().upper(), report), file=out)
    return 0


def summary(uai: str, report: ImportReport) -> str:
    skipped = ", ".join(f"{report.skipped.get(k, 0)} {label}" for k, label in SKIP_LABELS.items())
    created = " (établissement créé)" if report.organization_created else ""
    return (f"Import SIECLE {uai}{created} : {report.created} créé(s), {report.updated} mis à "
            f"jour, {report.unchanged} inchangé(s), {report.marked_gone} sorti(s) ; "
            f"ignorés : {skipped}.")


def _print_errors(error: SiecleImportError, err: TextIO) -> None:
    print(f"pixgar: import refusé, {len(error.errors)} erreur(s) :", file=err)
    for item in error.errors[:MAX_PRINTED_ERRORS]:
        print(f"  {item}", file=err)
    if len(error.errors) > MAX_PRINTED_ERRORS:
        print(f"  … et {len(error.errors) - MAX_PRINTED_ERRORS} autre(s)", file=err)
