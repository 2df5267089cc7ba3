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

from cnfs.financement.enums import Phase, StatutConvention, StatutVersement
from cnfs.financement.money import add_months, euros_plain
from cnfs.recrutement.enums import TypeStructure

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


CONVENTION_VALUES = (
    "pk",
    "structure__nom",
    "structure__siret",
    "structure__type",
    "structure__commune__departement__code",
    "structure__commune__departement__region__nom",
    "phase",
    "statut",
    "nombre_postes",
    "bareme__libelle",
    "date_debut",
    "duree_mois",
    "montant_par_poste",
    "montant_total",
    "montant_libere",
    "montant_paye",
    "signee_le",
)


def convention_rows(conventions) -> Iterator[tuple]:
    """One tuple per convention, read as plain values (no model instances: exports run over every row)."""
    types, phases, statuts = dict(TypeStructure.choices), dict(Phase.choices), dict(StatutConvention.choices)
    for row in conventions.values_list(*CONVENTION_VALUES).iterator(chunk_size=2000):
        (pk, nom, siret, type_, dep, region, phase, statut, postes, bareme, debut, duree, par_poste, total, libere,
         paye, signee) = row  # fmt: skip
        yield (
            pk,
            nom,
            siret,
            types.get(type_, type_),
            dep,
            region,
            phases.get(phase, phase),
            statuts.get(statut, statut),
            postes,
            bareme,
            debut,
            add_months(debut, duree),
            Money(par_poste),
            Money(total),
            Money(libere),
            Money(total - libere),
            Money(paye),
            signee,
        )


def versement_rows(versements) -> Iterator[tuple]:
    statuts = dict(StatutVersement.choices)
    values = versements.values_list(
        "convention_id",
        "convention__structure__nom",
        "convention__structure__siret",
        "convention__structure__commune__departement__code",
        "numero",
        "date_prevue",
        "montant",
        "statut",
        "mandate_le",
        "paye_le",
    )
    for cid, nom, siret, dep, numero, prevue, montant, statut, mandate, paye in values.iterator(chunk_size=2000):
        yield (cid, nom, siret, dep, numero, prevue, Money(montant), statuts.get(statut, statut), mandate, paye)


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
