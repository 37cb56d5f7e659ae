"""Why a SIECLE roster import is refused: stable codes, French messages, a location each.

Codes are English ``snake_case`` and never change (tests, logs and the Pix Orga page rely
on them); messages are French, for school administrators, and never quote names, INE or
birth dates. A location is ``ELEVE_ID=...`` (XML), ``ligne N`` (CSV row or XML line), or
``None`` for the whole file.

File level (the first one stops the reading):

- ``invalid_file``: not a readable SIECLE export (malformed XML, wrong root, bad CSV)
- ``unsupported_file_type``: neither ``.xml``, ``.zip`` nor ``.csv``
- ``unsupported_encoding``: an encoding other than UTF-8, ISO-8859-15, ISO-8859-1,
  Windows-1252 or ASCII
- ``invalid_encoding``: bytes invalid for the declared encoding, or mis-encoded names
  (UTF-8 read as ISO-8859-15: "LÃ©a")
- ``xml_dtd_forbidden``: any DOCTYPE, entity or external reference (XXE, billion laughs)
- ``file_too_large``: more than ``MAX_FILE_BYTES`` once unzipped
- ``invalid_zip``, ``zip_no_xml``, ``zip_several_xml``, ``zip_unexpected_file``
- ``csv_missing_column``: a required CSV column is absent (one error per column)
- ``uai_missing``: no ``PARAMETRES/UAJ`` in the XML
- ``uai_mismatch``: ``PARAMETRES/UAJ`` is another school's UAI
- ``invalid_uai``: the organisation UAI given is not 7 digits and a letter

Per pupil (all of them are collected before the import is refused):

- ``ine_missing``: CSV row without national identifier (in the XML an empty
  ``ID_NATIONAL`` means the pupil is skipped, as SIECLE integrations do)
- ``ine_duplicated``: the same INE twice among the pupils kept
- ``birthdate_missing``, ``birthdate_invalid`` (not ``DD/MM/YYYY`` or not a real date)
- ``sex_missing``, ``sex_invalid`` (1 or 2, M or F, Masculin or Féminin; a CSV without
  the sex column is accepted, its learners have no sex)
- ``birth_city_code_missing``: born in France (country 100 or 99100) without INSEE code
- ``value_missing``: another required value is empty (names; CSV required columns)
- ``value_too_long``: a value longer than the database column

Roster level:

- ``no_learners``: nothing to import (the previous roster is kept)
- ``organization_not_found``: the organisation does not exist (and may not be created)
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

MAX_FILE_BYTES = 64 * 1024 * 1024


class ErrorCode(StrEnum):
    INVALID_FILE = "invalid_file"
    UNSUPPORTED_FILE_TYPE = "unsupported_file_type"
    UNSUPPORTED_ENCODING = "unsupported_encoding"
    INVALID_ENCODING = "invalid_encoding"
    XML_DTD_FORBIDDEN = "xml_dtd_forbidden"
    FILE_TOO_LARGE = "file_too_large"
    INVALID_ZIP = "invalid_zip"
    ZIP_NO_XML = "zip_no_xml"
    ZIP_SEVERAL_XML = "zip_several_xml"
    ZIP_UNEXPECTED_FILE = "zip_unexpected_file"
    CSV_MISSING_COLUMN = "csv_missing_column"
    UAI_MISSING = "uai_missing"
    UAI_MISMATCH = "uai_mismatch"
    INVALID_UAI = "invalid_uai"
    INE_MISSING = "ine_missing"
    INE_DUPLICATED = "ine_duplicated"
    BIRTHDATE_MISSING = "birthdate_missing"
    BIRTHDATE_INVALID = "birthdate_invalid"
    SEX_MISSING = "sex_missing"
    SEX_INVALID = "sex_invalid"
    BIRTH_CITY_CODE_MISSING = "birth_city_code_missing"
    VALUE_MISSING = "value_missing"
    VALUE_TOO_LONG = "value_too_long"
    NO_LEARNERS = "no_learners"
    ORGANIZATION_NOT_FOUND = "organization_not_found"


MESSAGES: dict[ErrorCode, str] = {
    ErrorCode.INVALID_FILE: "Le fichier n'est pas un export SIECLE lisible : {detail}.",
    ErrorCode.UNSUPPORTED_FILE_TYPE: (
        "Type de fichier non pris en charge : déposez l'export SIECLE "
        "ElevesSansAdresses (.xml ou .zip) ou un fichier .csv."),
    ErrorCode.UNSUPPORTED_ENCODING: (
        "Encodage « {encoding} » non pris en charge : UTF-8 ou ISO-8859-15 attendu."),
    ErrorCode.INVALID_ENCODING: (
        "Caractères mal encodés pour l'encodage {encoding} : exportez à nouveau le fichier "
        "depuis SIECLE sans l'ouvrir ni l'enregistrer dans un autre logiciel."),
    ErrorCode.XML_DTD_FORBIDDEN: (
        "Le fichier contient une déclaration DOCTYPE, des entités ou une référence externe, "
        "refusées pour des raisons de sécurité."),
    ErrorCode.FILE_TOO_LARGE: "Le fichier dépasse la taille maximale de {limit} Mo.",
    ErrorCode.INVALID_ZIP: "L'archive ZIP est illisible ou chiffrée.",
    ErrorCode.ZIP_NO_XML: "L'archive ZIP ne contient aucun fichier XML.",
    ErrorCode.ZIP_SEVERAL_XML: (
        "L'archive ZIP contient plusieurs fichiers XML : elle doit n'en contenir qu'un."),
    ErrorCode.ZIP_UNEXPECTED_FILE: (
        "L'archive ZIP contient un fichier inattendu : elle doit contenir uniquement "
        "l'export XML."),
    ErrorCode.CSV_MISSING_COLUMN: "La colonne obligatoire « {column} » est absente.",
    ErrorCode.UAI_MISSING: "Le fichier n'indique pas l'UAI de l'établissement (PARAMETRES/UAJ).",
    ErrorCode.UAI_MISMATCH: (
        "Ce fichier est celui de l'établissement {file_uai}, pas de {uai} : vérifiez "
        "l'établissement choisi."),
    ErrorCode.INVALID_UAI: "L'UAI « {uai} » n'est pas valide (7 chiffres et une lettre).",
    ErrorCode.INE_MISSING: "L'identifiant national (INE) de l'élève est absent.",
    ErrorCode.INE_DUPLICATED: "Cet INE figure déjà dans le fichier ({first}).",
    ErrorCode.BIRTHDATE_MISSING: "La date de naissance est absente.",
    ErrorCode.BIRTHDATE_INVALID: (
        "La date de naissance n'est pas une date valide au format JJ/MM/AAAA."),
    ErrorCode.SEX_MISSING: "Le sexe de l'élève est absent.",
    ErrorCode.SEX_INVALID: (
        "Le code sexe n'est pas valide : 1, M ou Masculin ; 2, F ou Féminin attendu."),
    ErrorCode.BIRTH_CITY_CODE_MISSING: (
        "Le code INSEE de la commune de naissance est absent pour un élève né en France."),
    ErrorCode.VALUE_MISSING: "La valeur « {field} » est obligatoire et absente.",
    ErrorCode.VALUE_TOO_LONG: "La valeur « {field} » dépasse {limit} caractères.",
    ErrorCode.NO_LEARNERS: "Le fichier ne contient aucun élève à importer.",
    ErrorCode.ORGANIZATION_NOT_FOUND: "L'établissement {uai} n'existe pas dans Pix Orga.",
}


class SiecleIssue(NamedTuple):
    """One reason to refuse the file: ``(code, message, location)``."""

    code: ErrorCode
    message: str
    location: str | None = None

    def __str__(self) -> str:
        where = f" [{self.location}]" if self.location else ""
        return f"{self.code.value}{where} {self.message}"


def issue(code: ErrorCode, location: str | None = None, **params: object) -> SiecleIssue:
    """Build an issue with the French message of ``code``."""
    return SiecleIssue(code, MESSAGES[code].format(**params), location)


class SiecleImportError(Exception):
    """The file was refused; nothing was written. ``errors`` lists every issue found.

    ``kind`` is a short, log-safe label, as on pix_core's domain errors."""

    kind = "siecle_import_refused"

    def __init__(self, errors: list[SiecleIssue] | tuple[SiecleIssue, ...]) -> None:
        super().__init__(self.kind)
        self.errors = tuple(errors)

    @classmethod
    def single(cls, code: ErrorCode, location: str | None = None,
               **params: object) -> SiecleImportError:
        return cls([issue(code, location, **params)])

    @property
    def codes(self) -> list[str]:
        """Distinct codes, sorted: what may be logged."""
        return sorted({e.code.value for e in self.errors})

    def __str__(self) -> str:
        return f"{self.kind}: {', '.join(self.codes)}"
