"""The page, the CSV, the XLSX and the PDF show the same numbers: those of `dashboard_figures`."""

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from cnfs.core.pdf import printable
from cnfs.core.tests.auth import login
from cnfs.lieux.tests.factories import LieuFactory
from cnfs.pilotage.exports import number_text
from cnfs.pilotage.forms import resolve_filters
from cnfs.pilotage.permissions import dashboard_scope
from cnfs.pilotage.selectors import dashboard_figures
from cnfs.pilotage.tests.helpers import world
from cnfs.recrutement.tests.factories import CandidatureFactory, national_agent, prefecture_agent

pytestmark = pytest.mark.django_db


def _expected(user, params):
    scope = dashboard_scope(user)
    _, filters = resolve_filters(params, scope)
    figures = dashboard_figures(scope, filters)
    return {
        section.titre: [(line.libelle, list(line.valeurs)) for line in section.lignes] for section in figures.sections
    }


def _number(text: str):
    text = text.replace("\u202f", "").replace(" ", "").strip()
    return float(text.replace(",", ".")) if "," in text or "." in text else int(text)


def _from_page(html: str, titles: dict[str, str]):
    result = {}
    for key, body in re.findall(r'<table data-rubrique="([a-z_]+)">(.*?)</table>', html, re.S):
        rows = re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', body, re.S)
        result[titles[key]] = [
            (
                label.replace("&#x27;", "'").replace("&amp;", "&"),
                [_number(v) for v in re.findall(r"<td>(.*?)</td>", cells)],
            )
            for label, cells in rows
        ]
    return result


def _from_csv(content: bytes):
    result: dict[str, list] = {}
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    start = rows.index(["Rubrique", "Libellé", "Mesure", "Valeur"])
    for titre, libelle, _mesure, valeur in rows[start + 1 :]:
        lines = result.setdefault(titre, [])
        if not lines or lines[-1][0] != libelle:
            lines.append((libelle, []))
        lines[-1][1].append(_number(valeur))
    return result


def _from_xlsx(content: bytes, titles: list[str]):
    book = load_workbook(io.BytesIO(content), read_only=True)
    result = {}
    for title, sheet in zip(titles, book.worksheets[1:], strict=True):
        rows = list(sheet.iter_rows(values_only=True))[1:]
        result[title] = [
            (row[0], list(row[1:])) for row in rows if row and row[0] and len(row) > 1 and row[1] is not None
        ]
    return result


@pytest.fixture
def setup(client):
    w = world()
    LieuFactory(commune=w["loire"])
    CandidatureFactory(commune=w["loire"], etape="en_poste")
    from cnfs.lieux.maillage.selectors import clear_caches

    clear_caches()
    return w


@pytest.mark.parametrize(
    "who, params",
    [
        ("anct", {}),
        ("anct", {"theme": "courriel"}),
        ("prefecture", {"date_debut": "2024-01-03", "date_fin": "2024-02-25"}),
    ],
)
def test_page_csv_xlsx_pdf_show_the_same_numbers(client, setup, who, params):
    user = national_agent() if who == "anct" else prefecture_agent(setup["loire"].departement)
    login(client, user)
    expected = _expected(user, params)
    assert sum(len(lines) for lines in expected.values()) > 20

    scope = dashboard_scope(user)
    _, filters = resolve_filters(params, scope)
    figures = dashboard_figures(scope, filters)
    titles = {s.key: s.titre for s in figures.sections}

    page = client.get(reverse("pilotage:tableau_de_bord"), params).content.decode()
    assert _from_page(page, titles) == {t: lines for t, lines in expected.items() if lines}

    assert _from_csv(client.get(reverse("pilotage:export_csv"), params).content) == {
        t: lines for t, lines in expected.items() if lines
    }

    xlsx = client.get(reverse("pilotage:export_xlsx"), params)
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert _from_xlsx(xlsx.content, list(titles.values())) == {t: lines for t, lines in expected.items()}

    pdf = client.get(reverse("pilotage:rapport_pdf"), params)
    assert pdf.content.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for title, rows in expected.items():
        assert printable(title) in text
        for label, values in rows:
            wanted = " ".join([printable(label), *(number_text(v).replace("\u202f", " ") for v in values)])
            assert " ".join(wanted.split()) in lines, (title, wanted)
