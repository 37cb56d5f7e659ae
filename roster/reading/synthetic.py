"""Synthetic SIECLE exports (invented names only) for tests, benchmarks and demos.

``synthetic_pupils(n)`` gives pupils with accented, compound and apostrophe names, some
homonyms (same names, even same birth date, other INE); ``siecle_xml`` writes them as an
``ElevesSansAdresses.xml`` (about 2.8 KB per pupil, like real exports, thanks to the
fields SIECLE exports and Pix ignores); ``siecle_csv`` as the semicolon CSV variant.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from typing import BinaryIO
from xml.sax.saxutils import escape, quoteattr

from roster.reading.csv_reader import COLUMNS, TEMPLATE_FIELDS

FIRST_NAMES = ("Léa", "Chloé", "Zoé", "Anaïs", "Maëlys", "Noël", "Loïc", "Jérôme", "Hélène",
               "François", "Ève", "Inès", "Gaëlle", "Benoît", "Théo", "Célia", "Joël",
               "Océane", "Aurélien", "Cœlia", "Jean-Baptiste", "Marie-Ève", "Anne-Sophie",
               "Lucas", "Emma", "Hugo", "Louise", "Nathan", "Jade", "Raphaël")
LAST_NAMES = ("Lefèvre", "Benoît", "Garçon", "Béranger", "N'Diaye", "D'Arc", "Müller",
              "Lœuvre", "Dupont-Moretti", "Le Gall", "De La Fontaine", "Martin", "Bernard",
              "Petit", "Durand", "Leroy", "Moreau", "Fournier", "Girard", "Mercier",
              "Boyer", "Chevalier", "Gauthier", "Perrin", "Rousseau", "Faure", "Blanc")
CITIES = (("35238", "RENNES", "035"), ("75056", "PARIS", "075"), ("29019", "BREST", "029"),
          ("56260", "VANNES", "056"), ("13055", "MARSEILLE", "013"),
          ("69123", "LYON", "069"), ("97411", "SAINT-DENIS", "974"))
DIVISIONS = ("6A", "6B", "5A", "5B", "4A", "4B", "3A", "3B", "3C", "2NDE1", "1G2", "TG3")


@dataclass
class SyntheticPupil:
    """One invented pupil; a ``None`` value is left out of the file."""

    eleve_id: str
    ine: str | None
    last_name: str | None
    first_name: str | None
    birthdate: str | None  # DD/MM/YYYY
    sex_code: str | None  # 1 = M, 2 = F
    division: str | None
    usage_name: str | None = None
    second_name: str | None = None
    third_name: str | None = None
    country_code: str | None = "100"
    department_code: str | None = "035"
    city_code: str | None = "35238"
    city: str | None = "RENNES"
    mef_code: str | None = "10310019110"
    status: str | None = "ST"
    left_on: str | None = None  # DATE_SORTIE
    extra_structures: list[tuple[str, str]] = field(default_factory=list)  # (code, type)

    def xml(self) -> str:
        fields = [("ID_NATIONAL", self.ine), ("ELENOET", self.eleve_id[-5:]),
                  ("ID_ELEVE_ETAB", self.eleve_id), ("NOM_DE_FAMILLE", self.last_name),
                  ("NOM_USAGE", self.usage_name), ("PRENOM", self.first_name),
                  ("PRENOM2", self.second_name), ("PRENOM3", self.third_name),
                  ("DATE_NAISS", self.birthdate), ("DOUBLEMENT", "N"),
                  ("DATE_SORTIE", self.left_on), ("CODE_REGIME", "2"),
                  ("DATE_ENTREE", "02/09/2024"), ("CODE_MOTIF_SORTIE", None),
                  ("CODE_SEXE", self.sex_code), ("CODE_PAYS", self.country_code),
                  ("CODE_DEPARTEMENT_NAISS", self.department_code),
                  ("CODE_COMMUNE_INSEE_NAISS", self.city_code), ("VILLE_NAISS", self.city),
                  ("CODE_MEF", self.mef_code), ("CODE_STATUT", self.status),
                  *_IGNORED_FIELDS]
        body = "".join(f"<{tag}>{escape(value)}</{tag}>" for tag, value in fields
                       if value is not None)
        history = ("<SCOLARITE_AN_DERNIER><CODE_MEF>10310019110</CODE_MEF>"
                   "<CODE_STRUCTURE>4A</CODE_STRUCTURE><CODE_RNE>0351234A</CODE_RNE>"
                   "<SIGLE>CLG</SIGLE><DENOM_PRINC>COLLEGE</DENOM_PRINC>"
                   "<DENOM_COMPL>JULES VERNE</DENOM_COMPL><LL_COMMUNE_INSEE>RENNES"
                   "</LL_COMMUNE_INSEE><CODE_DEPARTEMENT>035</CODE_DEPARTEMENT>"
                   "</SCOLARITE_AN_DERNIER>")
        return f"<ELEVE ELEVE_ID={quoteattr(self.eleve_id)} ELENOET=" \
               f"{quoteattr(self.eleve_id[-5:])}>{body}{history}</ELEVE>"

    def structures_xml(self) -> str:
        items = ([(self.division, "D")] if self.division is not None else [])
        items += self.extra_structures
        body = "".join(f"<STRUCTURE><CODE_STRUCTURE>{escape(code)}</CODE_STRUCTURE>"
                       f"<TYPE_STRUCTURE>{kind}</TYPE_STRUCTURE></STRUCTURE>"
                       for code, kind in items)
        return f"<STRUCTURES_ELEVE ELEVE_ID={quoteattr(self.eleve_id)}>{body}" \
               "</STRUCTURES_ELEVE>"

    def options_xml(self) -> str:
        options = "".join(f"<OPTIONS_ELEVE><NUM_OPTION>{n}</NUM_OPTION>"
                          f"<CODE_MODALITE_ELECT>S</CODE_MODALITE_ELECT>"
                          f"<CODE_MATIERE>0{n}0300</CODE_MATIERE></OPTIONS_ELEVE>"
                          for n in range(1, 5))
        return f"<OPTION ELEVE_ID={quoteattr(self.eleve_id)}>{options}</OPTION>"

    def csv_row(self, fields: tuple[str, ...] = TEMPLATE_FIELDS) -> list[str]:
        """The CSV cells of ``fields`` (learner field names), the template's by default."""
        values = {
            "ine": self.ine, "last_name": self.last_name, "usage_name": self.usage_name,
            "first_name": self.first_name, "second_name": self.second_name,
            "third_name": self.third_name, "birthdate": self.birthdate,
            "sex": _csv_sex(self.sex_code), "birth_city_code": self.city_code,
            "birth_city": self.city, "birth_department_code": self.department_code,
            "birth_country_code": self.country_code, "mef_code": self.mef_code,
            "status": self.status, "division": self.division}
        return [values[name] or "" for name in fields]


_IGNORED_FIELDS = [("ADHESION_TRANSPORT", "0"), ("CODE_PROVENANCE", "1"),
                   ("ACCEPTE_SMS", "0"), ("TEL_PORTABLE", None), ("MEL", None),
                   ("CODE_MOTIF_ENTREE", "01"), ("MODE_ELEVE", "0"),
                   ("DATE_MODIFICATION", "30/08/2024"), ("CODE_PAYS_NAT", "100"),
                   ("CODE_NATIONALITE", "100"), ("CODE_DEPARTEMENT", "035"),
                   ("CODE_ACADEMIE", "14"), ("DATE_DEBUT_SCOLARITE", "01/09/2015"),
                   ("ADRESSE_ID", "123456"), ("CODE_SECTEUR", "01"),
                   ("PRENOM_USUEL_ETAB", None), ("CODE_RNE_ORIGINE", "0351234A"),
                   ("INDICATEUR_SCOLARITE", "1"), ("CODE_BOURSE", "0"),
                   ("CODE_TRANSPORT", "0"), ("CODE_LANGUE_VIVANTE_1", "030201"),
                   ("CODE_LANGUE_VIVANTE_2", "030601"), ("CODE_OPTION_FACULTATIVE", "061300"),
                   ("DATE_INSCRIPTION", "01/07/2024"), ("CODE_SITUATION_FAMILLE", "1"),
                   ("CODE_ETAT_SCOLARITE", "1"), ("INDICATEUR_HANDICAP", "0"),
                   ("CODE_REDOUBLEMENT", "0"), ("CODE_ORIGINE_INSCRIPTION", "2")]


def _csv_sex(code: str | None) -> str | None:
    return {"1": "M", "2": "F"}.get(code or "", code)


def synthetic_pupils(count: int, seed: int = 2024) -> list[SyntheticPupil]:
    """``count`` invented pupils; every 25th is a homonym of the pupil before it."""
    rng = random.Random(seed)  # noqa: S311  reproducible invented pupils, no secret
    pupils: list[SyntheticPupil] = []
    for i in range(count):
        city_code, city, department = rng.choice(CITIES)
        pupil = SyntheticPupil(
            eleve_id=f"{1_000_000 + i}", ine=f"{100_000_000 + i:09d}{_letters(i)}",
            last_name=rng.choice(LAST_NAMES).upper(), first_name=rng.choice(FIRST_NAMES),
            second_name=rng.choice((None, None, *FIRST_NAMES)),
            usage_name=rng.choice((None,) * 6 + LAST_NAMES),
            birthdate=f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/"
                      f"{rng.randint(2007, 2014)}",
            sex_code=rng.choice("12"), division=rng.choice(DIVISIONS),
            city_code=city_code, city=city, department_code=department,
            extra_structures=[(f"GRP{rng.randint(1, 9)}", "G")])
        if i and i % 25 == 0:  # a homonym: same names and birth date, another pupil
            previous = pupils[-1]
            pupil.last_name, pupil.first_name = previous.last_name, previous.first_name
            pupil.birthdate = previous.birthdate
        pupils.append(pupil)
    return pupils


def _letters(i: int) -> str:
    return chr(65 + i % 26) + chr(65 + (i // 26) % 26)


def siecle_xml(pupils: list[SyntheticPupil], uai: str = "0351234A",
               encoding: str = "ISO-8859-15", *, prolog: str | None = None,
               doctype: str = "") -> bytes:
    """An ``ElevesSansAdresses.xml`` export of ``pupils`` encoded as declared."""
    buffer = io.BytesIO()
    write_siecle_xml(buffer, pupils, uai, encoding, prolog=prolog, doctype=doctype)
    return buffer.getvalue()


def write_siecle_xml(out: BinaryIO, pupils: list[SyntheticPupil], uai: str = "0351234A",
                     encoding: str = "ISO-8859-15", *, prolog: str | None = None,
                     doctype: str = "") -> None:
    """Write the export to ``out`` pupil by pupil (no whole-file string in memory)."""
    def write(text: str) -> None:
        out.write(text.encode(encoding))

    write(prolog if prolog is not None else f'<?xml version="1.0" encoding="{encoding}"?>\n')
    write(doctype + '<BEE_ELEVES VERSION="3.3"><PARAMETRES>'
          f"<UAJ>{escape(uai)}</UAJ><ANNEE_SCOLAIRE>2024</ANNEE_SCOLAIRE>"
          "<DATE_EXPORT>02/09/2024</DATE_EXPORT><HORODATAGE>02/09/2024 08:00:00"
          "</HORODATAGE></PARAMETRES><DONNEES><ELEVES>\n")
    for section, render in (("ELEVES", SyntheticPupil.xml),
                            ("OPTIONS", SyntheticPupil.options_xml),
                            ("STRUCTURES", SyntheticPupil.structures_xml)):
        if section != "ELEVES":
            write(f"<{section}>\n")
        for pupil in pupils:
            write(render(pupil) + "\n")
        write(f"</{section}>")
    write("</DONNEES></BEE_ELEVES>\n")


def siecle_csv(pupils: list[SyntheticPupil], *, bom: bool = False,
               header: list[str] | None = None,
               fields: tuple[str, ...] = TEMPLATE_FIELDS) -> bytes:
    """The CSV variant (``;``, UTF-8): Pix Orga's template, or only ``fields`` (in that
    order) under their template headers, or under ``header``."""
    lines = [header if header is not None else [COLUMNS[name][0] for name in fields]]
    lines += [p.csv_row(fields) for p in pupils]
    text = "\r\n".join(";".join(_csv_cell(c) for c in line) for line in lines) + "\r\n"
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


def _csv_cell(value: str) -> str:
    return f'"{value.replace(chr(34), chr(34) * 2)}"' if any(c in value for c in ';"\n') \
        else value
