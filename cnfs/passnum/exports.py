"""CSV and XLSX exports of the pass numérique dashboards, with French headers."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from openpyxl import Workbook

COLONNES_COMMANDES = [
    ("reference", "Commande"),
    ("commanditaire", "Commanditaire"),
    ("libelle", "Libellé"),
    ("emis", "Chèques émis"),
    ("distribues", "Chèques distribués"),
    ("utilises", "Chèques utilisés"),
    ("expires", "Chèques expirés"),
    ("annules", "Chèques annulés"),
    ("montant_emis", "Montant émis (€)"),
    ("montant_utilise", "Montant utilisé (€)"),
    ("taux_utilisation", "Taux d’utilisation (%)"),
]
COLONNES_TERRITOIRES = [("territoire", "Territoire"), *COLONNES_COMMANDES[3:]]
MONEY = {"montant_emis", "montant_utilise"}


def _cell(key, value):
    return round(value / 100, 2) if key in MONEY else value


def export_response(rows: list[dict], columns: list[tuple[str, str]], filename: str, fmt: str) -> HttpResponse:
    """`rows` as `filename.csv` (`;`, decimal comma for Excel in French) or `filename.xlsx`."""
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.title = "Pass numérique"
        sheet.append([label for _, label in columns])
        for row in rows:
            sheet.append([_cell(key, row.get(key)) for key, _ in columns])
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow([label for _, label in columns])
        for row in rows:
            writer.writerow([str(_cell(key, row.get(key))).replace(".", ",") for key, _ in columns])
        response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
        fmt = "csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
