"""The session's results as the school downloads them (CSV, UTF-8 with BOM, ``;``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from pix_core.certification.domain.candidates import Candidate
from pix_core.certification.domain.certificates import Certificate
from pix_core.certification.domain.scoring import UNCERTIFIED

CompetenceCodes = Sequence[str]


def results_csv(rows: Sequence[tuple[Candidate, Certificate | None]],
                competences: CompetenceCodes) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Nom", "Prénom", "Date de naissance", "Classe", "Statut",
                     "Taux de reproductibilité", "Certifié", "Score total",
                     "Code de vérification", *(f"Niveau {c}" for c in competences)])
    for candidate, certificate in rows:
        base = [candidate.last_name, candidate.first_name,
                candidate.birthdate.strftime("%d/%m/%Y"), candidate.division or "",
                candidate.status_label]
        if certificate is None:
            writer.writerow(base + [""] * (4 + len(competences)))
            continue
        levels = []
        for code in competences:
            mark = certificate.competences.get(code)
            levels.append("" if mark is None or mark.level == UNCERTIFIED else str(mark.level))
        writer.writerow(base + [f"{certificate.rate_percent} %",
                                "oui" if certificate.is_certified else "non",
                                str(certificate.total), certificate.verification_code,
                                *levels])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
