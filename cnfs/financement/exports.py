"""CSV and XLSX exports of conventions and instalments, French headers, amounts in euros.

CSV: `;`-separated with a UTF-8 byte order mark and decimal commas, as French spreadsheets expect. XLSX (openpyxl,
write-only): amounts are numbers in euros with a currency format, dates are dates.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from cnfs.financement.money import euros_plain

EURO_FORMAT = '#,##0.00 "€"'
DATE_FORMAT = "DD/MM/YYYY"


class Money(int):
    """An amount in cents, written "40000,00" in CSV and 40000.00 (number, € format) in XLSX."""


CONVENTION_COLUMNS = (
    "N° de convention",
    "Structure",
    "SIRET",
    "Type de structure",
    "Département",
    "Région",
    "Phase",
    "Statut",
    "Postes",
    "Barème",
    "Début",
    "Fin",
    "Subvention par poste (€)",
    "Subvention totale (€)",
    "Libéré par les départs (€)",
    "Subvention nette (€)",
    "Versé (€)",
    "Signée le",
)

VERSEMENT_COLUMNS = (
    "N° de convention",
    "Structure",
    "SIRET",
    "Département",
    "Échéance",
    "Date prévue",
    "Montant (€)",
    "Statut",
    "Mandaté le",
    "Payé le",
)


def convention_rows(conventions) -> Iterator[tuple]:
    for c in conventions.iterator(chunk_size=2000):
        dep = c.structure.commune.departement
        yield (
            c.pk,
            c.structure.nom,
            c.structure.siret,
            c.structure.get_type_display(),
            dep.code,
            dep.region.nom,
            c.get_phase_display(),
            c.get_statut_display(),
            c.nombre_postes,
            c.bareme.libelle,
            c.date_debut,
            c.date_fin,
            Money(c.montant_par_poste),
            Money(c.montant_total),
            Money(c.montant_libere),
            Money(c.montant_net),
            Money(c.montant_paye),
            c.signee_le,
        )


def versement_rows(versements) -> Iterator[tuple]:
    for v in versements.iterator(chunk_size=2000):
        structure = v.convention.structure
        yield (
            v.convention_id,
            structure.nom,
            structure.siret,
            structure.commune.departement.code,
            v.numero,
            v.date_prevue,
            Money(v.montant),
            v.get_statut_display(),
            v.mandate_le,
            v.paye_le,
        )


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Money):
        return euros_plain(value)
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


class _Echo:
    def write(self, value):
        return value


def csv_lines(columns: tuple[str, ...], rows: Iterable[tuple]) -> Iterator[str]:
    """The CSV file line by line (for a streaming response): BOM, header, then one line per row."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(columns)
    for row in rows:
        yield writer.writerow([_csv_cell(v) for v in row])


def xlsx_bytes(title: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append(list(columns))

    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, Money):
                cell = WriteOnlyCell(sheet, value=Decimal(int(value)) / 100)
                cell.number_format = EURO_FORMAT
            elif hasattr(value, "strftime"):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = DATE_FORMAT
            else:
                cell = WriteOnlyCell(sheet, value=value)
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
