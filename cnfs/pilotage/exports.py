"""The dashboard as CSV, XLSX and PDF. All three, and the page, print `dashboard_figures` and nothing else."""

from __future__ import annotations

import csv
import io

from cnfs.core.pdf import FONT, new_document, printable
from cnfs.pilotage.selectors import Figures

CSV_HEADER = ("Rubrique", "Libellé", "Mesure", "Valeur")


def number_text(value) -> str:
    """French writing of a figure: thin spaces between thousands, decimal comma."""
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return f"{value:,}".replace(",", "\u202f")


def context_lines(figures: Figures, names: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """What the figures cover, in words (printed at the top of every output)."""
    f = figures.filters
    names = names or {}
    if f.date_debut and f.date_fin:
        period = f"du {f.date_debut:%d/%m/%Y} au {f.date_fin:%d/%m/%Y}"
    elif f.date_debut:
        period = f"depuis le {f.date_debut:%d/%m/%Y}"
    elif f.date_fin:
        period = f"jusqu’au {f.date_fin:%d/%m/%Y}"
    else:
        period = "toute la période"
    lines = [("Périmètre", figures.scope.label), ("Période", period)]
    for key, label in (("departement", "Département"), ("structure", "Structure"), ("conseiller", "Conseiller")):
        if names.get(key):
            lines.append((label, names[key]))
    if names.get("theme"):
        lines.append(("Thème", names["theme"]))
    return lines


def csv_bytes(figures: Figures, names: dict[str, str] | None = None) -> bytes:
    """Semicolon-separated, decimal comma, UTF-8 with BOM: what a French spreadsheet opens as is."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for label, value in context_lines(figures, names):
        writer.writerow([label, value, "", ""])
    writer.writerow(CSV_HEADER)
    for section in figures.sections:
        for line in section.lignes:
            for column, value in zip(section.colonnes[1:], line.valeurs, strict=True):
                plain = f"{value:.1f}".replace(".", ",") if isinstance(value, float) else str(value)
                writer.writerow([section.titre, line.libelle, column, plain])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(figures: Figures, names: dict[str, str] | None = None) -> bytes:
    """One sheet of context, then one sheet per section with its table (numbers stored as numbers)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Contexte"
    sheet.append(["Tableau de bord de l’activité des conseillers numériques"])
    sheet["A1"].font = Font(bold=True)
    for label, value in context_lines(figures, names):
        sheet.append([label, value])
    used: set[str] = set()
    for section in figures.sections:
        title = section.titre[:31]
        for forbidden in "[]:*?/\\":
            title = title.replace(forbidden, " ")
        while title in used:
            title = title[:29] + "_2"
        used.add(title)
        ws = book.create_sheet(title)
        ws.append(list(section.colonnes))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for line in section.lignes:
            ws.append([line.libelle, *line.valeurs])
        if section.note:
            ws.append([])
            ws.append([section.note])
        ws.column_dimensions["A"].width = 60
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def pdf_bytes(figures: Figures, names: dict[str, str] | None = None) -> bytes:
    """A printable report: context, then each section as a table (fpdf2, pure Python, set in Marianne)."""
    from fpdf.fonts import FontFace

    pdf = new_document(format="A4")
    pdf.set_title("Rapport d’activité des conseillers numériques")
    pdf.set_author("cnfs")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(0, 9, printable("Rapport d’activité des conseillers numériques"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=10)
    for label, value in context_lines(figures, names):
        pdf.multi_cell(0, 6, printable(f"{label} : {value}"), new_x="LMARGIN", new_y="NEXT")
    heading = FontFace(emphasis="BOLD", fill_color=(227, 227, 253))
    for section in figures.sections:
        pdf.ln(4)
        pdf.set_font(FONT, "B", 12)
        pdf.multi_cell(0, 7, printable(section.titre), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, size=9)
        if not section.lignes:
            pdf.multi_cell(0, 5, printable(section.note or "Aucune donnée."), new_x="LMARGIN", new_y="NEXT")
            continue
        widths = (60, *([40 / max(len(section.colonnes) - 1, 1)] * (len(section.colonnes) - 1)))
        with pdf.table(
            col_widths=widths, headings_style=heading, text_align=("LEFT", *["RIGHT"] * (len(section.colonnes) - 1))
        ) as table:
            row = table.row()
            for name in section.colonnes:
                row.cell(printable(name))
            for line in section.lignes:
                row = table.row()
                row.cell(printable(line.libelle))
                for value in line.valeurs:
                    row.cell(printable(number_text(value)))
        if section.note:
            pdf.set_font(FONT, "I", 8)
            pdf.multi_cell(0, 5, printable(section.note), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
