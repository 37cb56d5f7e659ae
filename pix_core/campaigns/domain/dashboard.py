"""The teacher's view of a campaign: one line per participant, grouped by class; its CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from pix_core.campaigns.domain.participations import NO_CLASS, Participant, ParticipationStatus


@dataclass(frozen=True)
class DashboardLine:
    last_name: str
    first_name: str
    class_label: str
    status: ParticipationStatus
    pix_score: int | None         # None until shared
    mastery_rate: float | None    # None until shared
    shared_at: datetime | None

    def __repr__(self) -> str:
        return f"DashboardLine(status={self.status.value})"


@dataclass(frozen=True)
class ClassGroup:
    label: str
    lines: tuple[DashboardLine, ...]


def dashboard_lines(participants: Iterable[Participant], target_size: int) -> list[DashboardLine]:
    lines = []
    for p in participants:
        part = p.participation
        shared = part.status is ParticipationStatus.SHARED
        rate = None
        if shared:
            rate = (part.validated_skill_count or 0) / target_size if target_size else 0.0
        lines.append(DashboardLine(p.last_name, p.first_name, p.class_label, part.status,
                                   part.pix_score if shared else None, rate,
                                   part.shared_at if shared else None))
    return sorted(lines, key=lambda line: (line.class_label == NO_CLASS, line.class_label,
                                           line.last_name.lower(), line.first_name.lower()))


def group_by_class(lines: Iterable[DashboardLine]) -> list[ClassGroup]:
    groups: dict[str, list[DashboardLine]] = {}
    for line in lines:
        groups.setdefault(line.class_label, []).append(line)
    return [ClassGroup(label, tuple(found)) for label, found in groups.items()]


CSV_HEADERS = ("Nom", "Prénom", "Classe", "Statut", "Score pix", "Taux de maîtrise",
               "Date de partage")


def format_rate(rate: float | None) -> str:
    return "" if rate is None else f"{round(rate * 100)} %"


def campaign_csv(lines: Iterable[DashboardLine]) -> bytes:
    """UTF-8 with a BOM (spreadsheets read the accents), ``;`` separated, French headers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for line in lines:
        writer.writerow([
            _no_formula(line.last_name), _no_formula(line.first_name),
            _no_formula(line.class_label), line.status.label,
            "" if line.pix_score is None else line.pix_score,
            format_rate(line.mastery_rate),
            "" if line.shared_at is None else line.shared_at.strftime("%d/%m/%Y"),
        ])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _no_formula(value: str) -> str:
    """A cell starting like a formula is shown as text (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
