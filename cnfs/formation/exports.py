"""CSV and XLSX exports of the training tables a manager looks at: the funnel by département, an organisation's
training records. French headers; cells that a spreadsheet would run as a formula are neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from openpyxl import Workbook

from cnfs.formation.models import Inscription
from cnfs.formation.selectors import FunnelRow

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FUNNEL_HEADERS = ["Département", "Nom du département", "Recrutés", "En formation", "En poste", "En attente"]
RECORD_HEADERS = [
    "Adresse électronique",
    "Prénom",
    "Nom",
    "Étape",
    "Module",
    "Nature",
    "Heures prévues",
    "Heures réalisées",
    "Date de début",
    "Date de fin",
    "Résultat",
]


def _safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def funnel_rows(rows: Iterable[FunnelRow]) -> list[list]:
    return [
        [r.code, r.nom, r.funnel.recrutes, r.funnel.en_formation, r.funnel.en_poste, r.funnel.en_attente] for r in rows
    ]


def record_rows(inscriptions: Iterable[Inscription]) -> list[list]:
    return [
        [
            i.candidature.email,
            i.candidature.prenom,
            i.candidature.nom,
            i.candidature.get_etape_display(),
            i.module.code,
            i.module.get_nature_display(),
            i.heures_prevues,
            i.heures_realisees,
            i.date_debut,
            i.date_fin,
            i.get_resultat_display(),
        ]
        for i in inscriptions
    ]


def response(headers: Sequence[str], rows: list[list], *, filename: str, fmt: str) -> HttpResponse:
    """The table as a download: `fmt` is "csv" (UTF-8 with BOM, semicolons, for French spreadsheets) or "xlsx"."""
    if fmt == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(list(headers))
        for row in rows:
            sheet.append([_safe(v) for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        result = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(headers)
        for row in rows:
            writer.writerow(
                ["" if v is None else _safe(v.strftime("%d/%m/%Y") if hasattr(v, "strftime") else str(v)) for v in row]
            )
        result = HttpResponse("\ufeff" + buffer.getvalue(), content_type=CSV_TYPE)
    result["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return result
