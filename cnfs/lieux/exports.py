"""Places in the national schema v1.0.1: one row per place, columns in schema order, `|`-separated lists.

Used by the public CSV (`/donnees/lieux.csv`), the JSON API and `cnfs lieux export`. The schema's `id` must be
unique in a file while ours is unique per source: an id shared by several sources is written `id@source`, which
the importer reads back as the same place.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.db.models import Count
from django.utils.text import slugify

from cnfs.lieux.enums import ID_SOURCE_SEPARATOR, SCHEMA_LISTS
from cnfs.lieux.models import Lieu

SCHEMA_COLUMNS = (
    "id",
    "pivot",
    "nom",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "latitude",
    "longitude",
    "typologie",
    "telephone",
    "courriels",
    "site_web",
    "horaires",
    "presentation_resume",
    "presentation_detail",
    "source",
    "itinerance",
    "structure_parente",
    "date_maj",
    "services",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "autres_formations_labels",
    "modalites_acces",
    "modalites_accompagnement",
    "fiche_acces_libre",
    "prise_rdv",
)
PASS_NUMERIQUE_TEXT = "Pass numérique"
LABELS = {name: dict(enum.choices) for name, enum in SCHEMA_LISTS.items() if enum is not None}


def shared_ids(queryset) -> set[str]:
    """Local ids used by more than one source among `queryset` (one grouped query)."""
    return set(
        queryset.order_by()
        .values("source_id")
        .annotate(n=Count("source", distinct=True))
        .filter(n__gt=1)
        .values_list("source_id", flat=True)
    )


def export_id(lieu: Lieu, shared: set[str]) -> str:
    if lieu.source_id in shared:
        return f"{lieu.source_id}{ID_SOURCE_SEPARATOR}{slugify(lieu.source)}"
    return lieu.source_id


def labels_of(lieu: Lieu, field: str) -> list[str]:
    table = LABELS[field]
    return [table.get(value, value) for value in getattr(lieu, field) or ()]


def autres_labels(lieu: Lieu) -> str:
    text = lieu.autres_formations_labels
    if lieu.accepte_pass_numerique and "pass numérique" not in text.lower():
        text = "|".join(filter(None, [text, PASS_NUMERIQUE_TEXT]))
    return text


def as_schema(lieu: Lieu, shared: set[str] = frozenset()) -> dict:
    """One place as a dict of the schema's columns, values typed (lists as lists, numbers, ISO date)."""
    row = {
        "id": export_id(lieu, shared),
        "pivot": lieu.pivot,
        "nom": lieu.nom,
        "commune": lieu.commune.nom,
        "code_postal": lieu.code_postal,
        "code_insee": lieu.commune_id,
        "adresse": lieu.adresse,
        "complement_adresse": lieu.complement_adresse,
        "latitude": lieu.latitude,
        "longitude": lieu.longitude,
        "typologie": list(lieu.typologie or ()),
        "telephone": lieu.telephone,
        "courriels": list(lieu.courriels or ()),
        "site_web": list(lieu.site_web or ()),
        "horaires": lieu.horaires,
        "presentation_resume": lieu.presentation_resume,
        "presentation_detail": lieu.presentation_detail,
        "source": lieu.source,
        "structure_parente": lieu.structure_parente,
        "date_maj": lieu.date_maj.isoformat(),
        "autres_formations_labels": autres_labels(lieu),
        "fiche_acces_libre": lieu.fiche_acces_libre,
        "prise_rdv": lieu.prise_rdv,
    }
    for field in LABELS:
        row[field] = labels_of(lieu, field)
    return {column: row[column] for column in SCHEMA_COLUMNS}


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "|".join(value)
    return str(value)


def export_queryset(queryset=None):
    queryset = Lieu.objects.all() if queryset is None else queryset
    return queryset.select_related("commune").order_by("source", "source_id")


def csv_rows(queryset=None) -> Iterator[list[str]]:
    """Header then one list of cells per place, streaming through the table in chunks."""
    queryset = export_queryset(queryset)
    shared = shared_ids(queryset)
    yield list(SCHEMA_COLUMNS)
    for lieu in queryset.iterator(chunk_size=2000):
        yield [csv_cell(value) for value in as_schema(lieu, shared).values()]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(queryset=None) -> Iterable[str]:
    """The CSV file as text chunks, for a streaming HTTP response."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    for row in csv_rows(queryset):
        yield writer.writerow(row)


def write_csv(queryset, fh) -> int:
    writer = csv.writer(fh, lineterminator="\r\n")
    count = -1
    for row in csv_rows(queryset):
        writer.writerow(row)
        count += 1
    return count
