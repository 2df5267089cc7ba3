"""CSV and XLSX exports of the recruitment tables, with French headers, scoped by role.

Who sees which rows is decided once per table by its `rows(user)` selector (one query plus prefetches, never a
check per row): the national team sees everything, prefectures and hubs the structures of their départements, a
structure its own rows. Candidates (personal data) are exported only for the national team and hubs, with the
minimum needed to find and place people: no birth date, telephone, e-mail, motivation nor CV.

The page, the CSV and the XLSX of one table read the same selector and the same columns, so they carry the same rows.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from cnfs.core.enums import Role
from cnfs.core.permissions import Scope, has_role, is_national
from cnfs.recrutement.enums import STATUTS_POSTE_OCCUPE, StatutMiseEnRelation
from cnfs.recrutement.models import Candidature, MiseEnRelation, Rupture, Structure
from cnfs.recrutement.permissions import structures_visible_to

# Recruitments: matches that reached the recruitment (current and past).
STATUTS_RECRUTEMENT = (*STATUTS_POSTE_OCCUPE, StatutMiseEnRelation.RUPTURE_VALIDEE)
# Cells a spreadsheet would run as a formula (CSV injection): written with a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _visible_structures(user) -> QuerySet[Structure]:
    return structures_visible_to(user, Structure.objects.all())


def candidatures_rows(user) -> QuerySet[Candidature]:
    """Candidates of the user's territory: all for the national team, by commune for a hub; none otherwise."""
    queryset = Candidature.objects.select_related("commune__departement").order_by("nom", "prenom", "id")
    if is_national(user):
        return queryset
    scope = Scope.for_user(user)
    if Role.HUB in scope.roles:
        return queryset.filter(commune__departement__code__in=scope.departements)
    return queryset.none()


def recrutements_rows(user) -> QuerySet[MiseEnRelation]:
    """Recruitments (recorded, validated, with a departure) of the structures the user may see."""
    queryset = MiseEnRelation.objects.filter(statut__in=STATUTS_RECRUTEMENT)
    if not is_national(user):
        queryset = queryset.filter(structure__in=_visible_structures(user))
    return (
        queryset.select_related("structure__commune__departement", "candidature")
        .prefetch_related("contrats")
        .order_by("structure__nom", "date_recrutement", "id")
    )


def structures_rows(user) -> QuerySet[Structure]:
    """Structures the user may see, with their commune and département."""
    return structures_visible_to(user, Structure.objects.select_related("commune__departement")).order_by("nom", "id")


def ruptures_rows(user) -> QuerySet[Rupture]:
    """Departures declared by the structures the user may see."""
    queryset = Rupture.objects.all()
    if not is_national(user):
        queryset = queryset.filter(mise_en_relation__structure__in=_visible_structures(user))
    return queryset.select_related(
        "mise_en_relation__structure__commune__departement", "mise_en_relation__candidature"
    ).order_by("-date_rupture", "id")


def _yes_no(value: bool) -> str:
    return "oui" if value else "non"


def _current_contract(mer: MiseEnRelation):
    contrats = sorted(mer.contrats.all(), key=lambda c: (c.date_debut, c.id))  # prefetched: no query
    return contrats[-1] if contrats else None


def _contract_type(mer):
    contrat = _current_contract(mer)
    return contrat.get_type_display() if contrat else ""


def _contract_end(mer):
    contrat = _current_contract(mer)
    return contrat.date_fin if contrat else None


def _local_date(value):
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


Column = tuple[str, Callable[[Any], Any]]


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    roles: tuple[str, ...]
    rows: Callable[[Any], QuerySet]
    columns: tuple[Column, ...]

    @property
    def headers(self) -> list[str]:
        return [header for header, _ in self.columns]

    def allowed(self, user) -> bool:
        """Roles that may download this table (the national team always may)."""
        return user.is_authenticated and (is_national(user) or has_role(user, *self.roles))

    def values(self, obj) -> list[Any]:
        return [getter(obj) for _, getter in self.columns]

    def all_rows(self) -> QuerySet:
        """Every row, for the operator's command line (the national team's view)."""
        return self.rows(_National())


class _National:
    """Stands for the national team in `cnfs recrutement export` (run by an operator, no account)."""

    is_authenticated = True
    _cnfs_scope = Scope(roles=frozenset({Role.ANCT}), national=True)


TERRITORIAL_AND_STRUCTURE = (Role.ANCT, Role.PREFECTURE, Role.HUB, Role.STRUCTURE)

DATASETS: dict[str, Dataset] = {
    d.slug: d
    for d in (
        Dataset(
            "candidatures",
            "Candidatures",
            "Les personnes candidates de votre territoire (données personnelles réduites au nécessaire).",
            (Role.ANCT, Role.HUB),
            candidatures_rows,
            (
                ("N° de candidature", lambda c: c.pk),
                ("Prénom", lambda c: c.prenom),
                ("Nom", lambda c: c.nom),
                ("Commune", lambda c: c.commune.nom),
                ("Code INSEE", lambda c: c.commune.code),
                ("Département", lambda c: c.commune.departement.code),
                ("Disponible à partir du", lambda c: c.date_disponibilite),
                ("Distance maximale (km)", lambda c: c.distance_max),
                ("Situations", lambda c: ", ".join(c.situations)),
                ("Diplômé·e en médiation numérique", lambda c: _yes_no(c.diplome)),
                ("Niveau Pix", lambda c: c.pix_palier if c.pix_palier is not None else ""),
                ("CV déposé", lambda c: _yes_no(bool(c.cv))),
                ("Étape", lambda c: c.get_etape_display()),
                ("Candidature créée le", lambda c: _local_date(c.created_at)),
            ),
        ),
        Dataset(
            "recrutements",
            "Recrutements",
            "Les recrutements saisis, validés ou terminés par une rupture, avec le contrat en cours.",
            TERRITORIAL_AND_STRUCTURE,
            recrutements_rows,
            (
                ("N° de recrutement", lambda m: m.pk),
                ("Structure", lambda m: m.structure.nom),
                ("SIRET", lambda m: m.structure.siret),
                ("Département", lambda m: m.structure.commune.departement.code),
                ("Prénom", lambda m: m.candidature.prenom),
                ("Nom", lambda m: m.candidature.nom),
                ("Statut", lambda m: m.get_statut_display()),
                ("Étape du conseiller", lambda m: m.candidature.get_etape_display()),
                ("Date de prise de poste", lambda m: m.date_recrutement),
                ("Type de contrat", _contract_type),
                ("Fin du contrat", _contract_end),
                ("Distance (km)", lambda m: round(m.distance_km, 1) if m.distance_km is not None else ""),
                ("Recrutement validé le", lambda m: _local_date(m.finalisee_le)),
            ),
        ),
        Dataset(
            "structures",
            "Structures d’accueil",
            "Les structures d’accueil, leurs zones prioritaires et leurs postes.",
            TERRITORIAL_AND_STRUCTURE,
            structures_rows,
            (
                ("N° de structure", lambda s: s.pk),
                ("SIRET", lambda s: s.siret),
                ("Raison sociale", lambda s: s.nom),
                ("Type", lambda s: s.get_type_display()),
                ("Commune", lambda s: s.commune.nom),
                ("Code INSEE", lambda s: s.commune.code),
                ("Département", lambda s: s.commune.departement.code),
                ("QPV", lambda s: _yes_no(s.qpv)),
                ("ZRR / FRR", lambda s: _yes_no(s.zrr)),
                ("France Services", lambda s: _yes_no(s.france_services)),
                ("Postes accordés", lambda s: s.postes_accordes),
                ("Postes occupés", lambda s: s.postes_occupes),
                ("Postes disponibles", lambda s: s.postes_disponibles),
                ("Contact", lambda s: f"{s.contact_prenom} {s.contact_nom}"),
                ("Adresse électronique du contact", lambda s: s.contact_email),
            ),
        ),
        Dataset(
            "ruptures",
            "Ruptures de contrat",
            "Les départs déclarés par les structures, validés ou en attente.",
            TERRITORIAL_AND_STRUCTURE,
            ruptures_rows,
            (
                ("N° de rupture", lambda r: r.pk),
                ("Structure", lambda r: r.mise_en_relation.structure.nom),
                ("SIRET", lambda r: r.mise_en_relation.structure.siret),
                ("Département", lambda r: r.mise_en_relation.structure.commune.departement.code),
                ("Prénom", lambda r: r.mise_en_relation.candidature.prenom),
                ("Nom", lambda r: r.mise_en_relation.candidature.nom),
                ("Date de la rupture", lambda r: r.date_rupture),
                ("Motif", lambda r: r.get_motif_display()),
                ("Pièce justificative", lambda r: r.get_justificatif_display()),
                ("Statut", lambda r: r.get_statut_display()),
                ("Signalée le", lambda r: _local_date(r.declared_at)),
                ("Validée le", lambda r: _local_date(r.validated_at)),
            ),
        ),
    )
}


def datasets_for(user) -> list[Dataset]:
    return [d for d in DATASETS.values() if d.allowed(user)]


def as_text(value) -> str:
    """A cell as the CSV (and the page) shows it: French dates, empty for nothing, formulas neutralised."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.1f}".replace(".", ",")
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _objects(queryset: QuerySet) -> Iterator:
    # chunk_size keeps memory flat; prefetch_related still applies per chunk.
    yield from queryset.iterator(chunk_size=2000)


def text_rows(dataset: Dataset, queryset: QuerySet) -> Iterator[list[str]]:
    for obj in _objects(queryset):
        yield [as_text(v) for v in dataset.values(obj)]


class _Echo:
    def write(self, value):
        return value


def csv_lines(dataset: Dataset, queryset: QuerySet) -> Iterator[str]:
    """The CSV as text chunks for a streaming response: UTF-8 BOM and semicolons, as French spreadsheets expect."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow(dataset.headers)
    for row in text_rows(dataset, queryset):
        yield writer.writerow(row)


def write_csv(dataset: Dataset, queryset: QuerySet, fh) -> int:
    writer = csv.writer(fh, delimiter=";")
    writer.writerow(dataset.headers)
    count = 0
    for row in text_rows(dataset, queryset):
        writer.writerow(row)
        count += 1
    return count


def _xlsx_value(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_xlsx(dataset: Dataset, queryset: QuerySet, fh) -> int:
    """An XLSX workbook of one sheet: bold frozen header, real dates and numbers."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(dataset.title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in dataset.headers:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for obj in _objects(queryset):
        row = []
        for value in dataset.values(obj):
            value = _xlsx_value(value)
            if isinstance(value, datetime.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "DD/MM/YYYY"
                row.append(cell)
            else:
                row.append(value)
        sheet.append(row)
        count += 1
    workbook.save(fh)
    return count


def xlsx_bytes(dataset: Dataset, queryset: QuerySet) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(dataset, queryset, buffer)
    return buffer.getvalue()


def read_xlsx_rows(data: bytes) -> list[list[str]]:
    """Rows of the first sheet as CSV text (for tests and for checking a file against its CSV)."""
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    rows = []
    for values in sheet.iter_rows(values_only=True):
        rows.append([as_text(v.date() if isinstance(v, datetime.datetime) else v) for v in values])
    width = len(rows[0]) if rows else 0
    # A sheet read back drops the empty cells that end a row.
    return [row + [""] * (width - len(row)) for row in rows]
