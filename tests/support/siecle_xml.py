"""Tiny SIECLE XML exports naming exactly the pupils a test wants (synthetic names only)."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class Pupil:
    ine: str
    last_name: str
    first_name: str
    birthdate: str  # DD/MM/YYYY
    division: str
    sex: str = "2"


def siecle_xml(uai: str, pupils: list[Pupil], encoding: str = "ISO-8859-15") -> bytes:
    """An ``ElevesSansAdresses.xml`` for ``uai`` with ``pupils``, in ``encoding``."""
    eleves = "".join(
        f'<ELEVE ELEVE_ID="{n}"><ID_NATIONAL>{p.ine}</ID_NATIONAL>'
        f"<NOM_DE_FAMILLE>{escape(p.last_name)}</NOM_DE_FAMILLE><NOM_USAGE/>"
        f"<PRENOM>{escape(p.first_name)}</PRENOM><PRENOM2/><PRENOM3/>"
        f"<DATE_NAISS>{p.birthdate}</DATE_NAISS><CODE_SEXE>{p.sex}</CODE_SEXE>"
        f"<CODE_PAYS>100</CODE_PAYS><CODE_DEPARTEMENT_NAISS>056</CODE_DEPARTEMENT_NAISS>"
        f"<CODE_COMMUNE_INSEE_NAISS>56260</CODE_COMMUNE_INSEE_NAISS>"
        f"<VILLE_NAISS>VANNES</VILLE_NAISS><CODE_MEF>10310019110</CODE_MEF>"
        f"<CODE_STATUT>ST</CODE_STATUT></ELEVE>"
        for n, p in enumerate(pupils, start=1)
    )
    structures = "".join(
        f'<STRUCTURES_ELEVE ELEVE_ID="{n}"><STRUCTURE><CODE_STRUCTURE>{p.division}'
        f"</CODE_STRUCTURE><TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE></STRUCTURES_ELEVE>"
        for n, p in enumerate(pupils, start=1)
    )
    document = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        f"<BEE_ELEVES VERSION=\"3.1\"><PARAMETRES><UAJ>{uai}</UAJ></PARAMETRES>"
        f"<DONNEES><ELEVES>{eleves}</ELEVES><STRUCTURES>{structures}</STRUCTURES>"
        f"</DONNEES></BEE_ELEVES>"
    )
    return document.encode(encoding)
