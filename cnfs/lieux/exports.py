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
from cnfs.lieux.fields import SCHEMA_COLUMNS, SCHEMA_FIELDS
from cnfs.lieux.models import Lieu

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
    row = {}
    for column, name in SCHEMA_FIELDS:
        if column == "id":
            value = export_id(lieu, shared)
        elif column == "commune":
            value = lieu.commune.nom
        elif column == "source":
            value = lieu.source
        elif name == "date_maj":
            value = lieu.date_maj.isoformat()
        elif name == "autres_formations_labels":
            value = autres_labels(lieu)
        elif name in LABELS:
            value = labels_of(lieu, name)
        elif name in SCHEMA_LISTS:
            value = list(getattr(lieu, name) or ())
        else:
            value = getattr(lieu, name)
        row[column] = value
    return row


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
