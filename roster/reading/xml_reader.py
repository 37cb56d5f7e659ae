"""``ElevesSansAdresses.xml``, streamed: elements are cleared as soon as they are read.

No DTD at all (``defusedxml``, ``forbid_dtd``): DOCTYPE, entities and external references
are refused before anything is fetched or expanded. The encoding comes from the prolog
(UTF-8 by default); bytes are decoded strictly here, then handed to expat as text.
"""

from __future__ import annotations

import re
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from roster.domain.errors import ErrorCode, SiecleImportError
from roster.domain.learners import DATA_FIELDS
from roster.domain.records import RawPupil, RosterFile
from roster.reading.text import (
    DecodingReader,
    LimitedReader,
    canonical_encoding,
    check_not_mojibake,
)

ELEMENTS = {  # SIECLE element → learner field
    "ID_NATIONAL": "ine", "NOM_DE_FAMILLE": "last_name", "NOM_USAGE": "usage_name",
    "PRENOM": "first_name", "PRENOM2": "second_name", "PRENOM3": "third_name",
    "DATE_NAISS": "birthdate", "CODE_SEXE": "sex", "CODE_PAYS": "birth_country_code",
    "CODE_DEPARTEMENT_NAISS": "birth_department_code",
    "CODE_COMMUNE_INSEE_NAISS": "birth_city_code", "VILLE_NAISS": "birth_city",
    "CODE_MEF": "mef_code", "CODE_STATUT": "status",
}
REQUIRED = frozenset({"ine", "last_name", "first_name", "birthdate", "sex", "division"})
SKIPPED_LEFT, SKIPPED_NO_INE, SKIPPED_NO_CLASS = "left", "without_ine", "without_class"
_PROLOG = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([^"']{1,64})["']""")
_BOMS = {b"\xef\xbb\xbf": "utf-8", b"\xff\xfe": "utf-16", b"\xfe\xff": "utf-16"}


def read_xml(raw: BinaryIO) -> RosterFile:
    """Read the whole export (bounded memory); raise ``SiecleImportError`` on any problem."""
    head = raw.read(1024)
    encoding, head = _encoding(head)
    text = DecodingReader(LimitedReader(raw, head=head), encoding)
    collector = _Collector(encoding)
    try:
        collector.run(text)
    except DefusedXmlException:
        raise SiecleImportError.single(ErrorCode.XML_DTD_FORBIDDEN) from None
    except ParseError as error:
        raise SiecleImportError.single(ErrorCode.INVALID_FILE, f"ligne {error.position[0]}",
                                       detail="XML mal formé") from None
    return collector.roster()


def _encoding(head: bytes) -> tuple[str, bytes]:
    for bom, name in _BOMS.items():
        if head.startswith(bom):
            return canonical_encoding(name), head[len(bom):]
    found = _PROLOG.match(head.lstrip())
    return canonical_encoding(found.group(1).decode("ascii", "replace") if found else "utf-8"), head


class _Collector:
    """Keeps one compact record per pupil and the class of each, then drops the elements."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self.uai: str | None = None
        self.pupils: dict[str, tuple[str, ...]] = {}
        self.divisions: dict[str, str] = {}
        self.skipped = {SKIPPED_LEFT: 0, SKIPPED_NO_INE: 0, SKIPPED_NO_CLASS: 0}

    def run(self, text: DecodingReader) -> None:
        stack: list[Element] = []
        for event, element in iterparse(text, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                if not stack and element.tag != "BEE_ELEVES":
                    raise SiecleImportError.single(ErrorCode.INVALID_FILE,
                                                   detail="élément racine BEE_ELEVES attendu")
                stack.append(element)
                continue
            stack.pop()
            if self._handle(element, stack[-1].tag if stack else ""):
                element.clear()
                stack[-1].remove(element)

    def _handle(self, element: Element, parent: str) -> bool:
        if element.tag == "UAJ" and parent == "PARAMETRES":
            self.uai = (element.text or "").strip()
        elif element.tag == "ELEVE" and parent == "ELEVES":
            self._pupil(element)
            return True
        elif element.tag == "STRUCTURES_ELEVE" and parent == "STRUCTURES":
            self._structures(element)
            return True
        return False

    def _pupil(self, element: Element) -> None:
        pupil_id = _pupil_id(element)
        if pupil_id in self.pupils:
            raise SiecleImportError.single(ErrorCode.INVALID_FILE, f"ELEVE_ID={pupil_id}",
                                           detail="élève présent deux fois")
        values = dict.fromkeys(DATA_FIELDS, "")
        left = ""
        for child in element:
            value = (child.text or "").strip()
            check_not_mojibake(value, self.encoding, f"ELEVE_ID={pupil_id}")
            if child.tag == "DATE_SORTIE":
                left = value
            elif child.tag in ELEMENTS:
                values[ELEMENTS[child.tag]] = value
        if left:
            self.skipped[SKIPPED_LEFT] += 1
        elif not values["ine"]:
            self.skipped[SKIPPED_NO_INE] += 1
        else:
            self.pupils[pupil_id] = tuple(values.values())

    def _structures(self, element: Element) -> None:
        for structure in element.iter("STRUCTURE"):
            if (structure.findtext("TYPE_STRUCTURE") or "").strip() == "D":
                code = (structure.findtext("CODE_STRUCTURE") or "").strip()
                if code:
                    check_not_mojibake(code, self.encoding, f"ELEVE_ID={_pupil_id(element)}")
                    self.divisions[_pupil_id(element)] = code

    def roster(self) -> RosterFile:
        if self.uai is None:
            raise SiecleImportError.single(ErrorCode.UAI_MISSING)
        division_at = DATA_FIELDS.index("division")
        pupils = []
        for pupil_id, values in self.pupils.items():
            division = self.divisions.get(pupil_id)
            if division is None:
                self.skipped[SKIPPED_NO_CLASS] += 1
                continue
            record = (*values[:division_at], division, *values[division_at + 1:])
            pupils.append(RawPupil(f"ELEVE_ID={pupil_id}", record))
        return RosterFile("xml", self.uai, pupils, REQUIRED, dict(self.skipped))


def _pupil_id(element: Element) -> str:
    return (element.get("ELEVE_ID") or "").strip()[:32] or "?"
