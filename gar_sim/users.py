"""Test users of the GAR simulator, as plain data (development and tests only).

One collège (UAI ``0561641E``), pupils in two classes, two homonym pupils in different
classes, a teacher and a librarian. Names carry accents on purpose, so that every hop
of the flow exercises UTF-8.

Each user's ``IDO`` is derived deterministically from the user id (SHA-256, 64 hex
characters): stable across runs and machines, opaque, and never a real identifier.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

SCHOOL_UAI = "0561641E"
SCHOOL_NAME = "Collège Jules-Simon"
ENT_ID = "SIM-ENT"

CLASS_3A = "3A##3EME A"
CLASS_3B = "3B##3EME B"


def derive_ido(user_id: str) -> str:
    """The stable, opaque IDO of a simulated user (64 lowercase hex characters)."""
    return hashlib.sha256(f"gar-sim/ido/{user_id}".encode()).hexdigest()


@dataclass(frozen=True)
class GarUser:
    """A simulated GAR user. ``attributes()`` gives the GAR attributes, all multi-valued."""

    user_id: str
    nom: str
    pre: str
    civ: str
    pro: tuple[str, ...]
    div: tuple[str, ...] = ()
    gro: tuple[str, ...] = ()
    p_mel: tuple[str, ...] = ()
    uai: tuple[str, ...] = (SCHOOL_UAI,)
    ident: tuple[str, ...] = (ENT_ID,)
    ido: str = field(default="")

    def __post_init__(self) -> None:
        if not self.ido:
            object.__setattr__(self, "ido", derive_ido(self.user_id))

    @property
    def display_name(self) -> str:
        return f"{self.pre} {self.nom}"

    @property
    def role_label(self) -> str:
        if "National_ens" in self.pro:
            return "enseignant"
        if "National_doc" in self.pro:
            return "professeur documentaliste"
        if "National_elv" in self.pro:
            classes = ", ".join(d.split("##", 1)[-1] for d in self.div)
            return f"élève, {classes}" if classes else "élève"
        return "personnel"

    def attributes(self) -> dict[str, list[str]]:
        """GAR attributes by their GAR names; empty attributes are left out."""
        attrs: dict[str, list[str]] = {
            "IDO": [self.ido],
            "UAI": list(self.uai),
            "PRO": list(self.pro),
            "NOM": [self.nom],
            "PRE": [self.pre],
            "CIV": [self.civ],
            "DIV": list(self.div),
            "GRO": list(self.gro),
            "P_MEL": list(self.p_mel),
            "idENT": list(self.ident),
        }
        return {name: values for name, values in attrs.items() if values}


USERS: tuple[GarUser, ...] = (
    GarUser(
        user_id="lea-lefevre",
        nom="Lefèvre",
        pre="Léa",
        civ="Mme",
        pro=("National_elv",),
        div=(CLASS_3A,),
        gro=("3A-MATHS##Groupe Maths##3A", "3-LATIN##Latin##3A"),
    ),
    GarUser(
        user_id="chloe-benoit",
        nom="Benoît",
        pre="Chloé",
        civ="Mme",
        pro=("National_elv",),
        div=(CLASS_3A,),
        gro=("3A-MATHS##Groupe Maths##3A",),
    ),
    GarUser(
        user_id="noe-garcon",
        nom="Garçon",
        pre="Noé",
        civ="M.",
        pro=("National_elv",),
        div=(CLASS_3B,),
        gro=("3B-ANGLAIS##Groupe Anglais renforcé##3B",),
    ),
    # Two homonyms: same NOM and PRE, different classes (and different IDO).
    GarUser(
        user_id="theo-martin-3a",
        nom="Martin",
        pre="Théo",
        civ="M.",
        pro=("National_elv",),
        div=(CLASS_3A,),
        gro=("3A-MATHS##Groupe Maths##3A",),
    ),
    GarUser(
        user_id="theo-martin-3b",
        nom="Martin",
        pre="Théo",
        civ="M.",
        pro=("National_elv",),
        div=(CLASS_3B,),
        gro=(),
    ),
    GarUser(
        user_id="prof-francois-lemaitre",
        nom="Lemaître",
        pre="François",
        civ="M.",
        pro=("National_ens",),
        div=(CLASS_3A, CLASS_3B),
        gro=("3A-MATHS##Groupe Maths##3A",),
        p_mel=("francois.lemaitre@ac-rennes.example",),
    ),
    GarUser(
        user_id="doc-helene-gueguen",
        nom="Guéguen",
        pre="Hélène",
        civ="Mme",
        pro=("National_doc",),
        p_mel=("helene.gueguen@ac-rennes.example",),
    ),
)

USERS_BY_ID: dict[str, GarUser] = {user.user_id: user for user in USERS}


def get_user(user_id: str) -> GarUser | None:
    """The simulated user with this id, or None."""
    return USERS_BY_ID.get(user_id)
