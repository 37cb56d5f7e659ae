"""The semicolon CSV variant: one header row, UTF-8 with or without BOM.

Headers are recognised after normalisation (case, accents, spaces, punctuation and ``*``
ignored, so ``Nom d’usage`` is ``Nom d'usage``), in French as Pix Orga's template names
them, or in English. Older templates have no sex column: their learners have no sex.
Every row is kept: an empty required value is an error (in particular ``ine_missing``).
"""

from __future__ import annotations

import csv
import io
from typing import Any, BinaryIO

from roster.domain.errors import ErrorCode, SiecleImportError, issue
from roster.domain.learners import DATA_FIELDS
from roster.domain.matching import normalize_name
from roster.domain.records import RawPupil, RosterFile
from roster.reading.text import LimitedReader, check_not_mojibake, invalid_encoding

COLUMNS = {  # field → (header of Pix Orga's template, other accepted headers), in its order
    "ine": ("Identifiant unique*", "Identifiant national", "INE", "National identifier"),
    "first_name": ("Premier prénom*", "Prénom", "First name"),
    "second_name": ("Deuxième prénom", "Middle name"),
    "third_name": ("Troisième prénom", "Third name"),
    "last_name": ("Nom de famille*", "Last name"),
    "usage_name": ("Nom d'usage", "Preferred last name"),
    "sex": ("Code sexe*", "Sexe", "Sex"),
    "birthdate": ("Date de naissance (jj/mm/aaaa)*", "Date de naissance", "Birth date"),
    "birth_city_code": ("Code commune naissance**", "Birth city code"),
    "birth_city": ("Libellé commune naissance**", "Commune de naissance", "Birth city"),
    "birth_department_code": ("Code département naissance*", "Birth province code"),
    "birth_country_code": ("Code pays naissance*", "Birth country code"),
    "status": ("Statut*", "Status"),
    "mef_code": ("Code MEF*", "MEF code"),
    "division": ("Division*", "Division"),
}
TEMPLATE_FIELDS = tuple(COLUMNS)
REQUIRED = frozenset({"ine", "first_name", "last_name", "sex", "birthdate",
                      "birth_department_code", "birth_country_code", "status", "mef_code",
                      "division"})
OPTIONAL_COLUMNS = frozenset({"sex"})  # required values, in a column older templates lack
_ALIASES = {normalize_name(header): name
            for name, headers in COLUMNS.items() for header in headers}


def template_header() -> list[str]:
    """The header row of Pix Orga's CSV template (fields in ``TEMPLATE_FIELDS`` order)."""
    return [COLUMNS[name][0] for name in TEMPLATE_FIELDS]


def read_csv(raw: BinaryIO) -> RosterFile:
    text = io.TextIOWrapper(io.BufferedReader(LimitedReader(raw)), encoding="utf-8-sig",
                            errors="strict", newline="")
    try:
        return _read(csv.reader(text, delimiter=";", strict=True))
    except UnicodeDecodeError:
        raise invalid_encoding("utf-8") from None
    except csv.Error:
        raise SiecleImportError.single(ErrorCode.INVALID_FILE, None,
                                       detail="CSV mal formé") from None


def _read(reader: Any) -> RosterFile:  # ``_csv.reader`` has no public type
    header = next(reader, None)
    if not header:
        raise SiecleImportError.single(ErrorCode.INVALID_FILE, detail="fichier vide")
    positions = _positions(header)
    pupils = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        where = f"ligne {reader.line_num}"
        values = tuple(_cell(row, positions.get(name)) for name in DATA_FIELDS)
        for value in values:
            check_not_mojibake(value, "utf-8", where)
        pupils.append(RawPupil(where, values))
    required = REQUIRED - (OPTIONAL_COLUMNS - positions.keys())
    return RosterFile("csv", None, pupils, required, {})


def _positions(header: list[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        name = _ALIASES.get(normalize_name(title))
        if name is not None:
            positions.setdefault(name, index)
    missing = [name for name in TEMPLATE_FIELDS
               if name in REQUIRED - OPTIONAL_COLUMNS and name not in positions]
    if missing:
        raise SiecleImportError([issue(ErrorCode.CSV_MISSING_COLUMN, "ligne 1",
                                       column=COLUMNS[name][0].rstrip("*"))
                                 for name in missing])
    return positions


def _cell(row: list[str], index: int | None) -> str:
    return row[index].strip() if index is not None and index < len(row) else ""
