"""Writes of the evaluation app: rollups follow every change of the activity records, and can be rebuilt."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, transaction

from cnfs.pilotage import rollups


@transaction.atomic
def rollups_apply(*, before: Sequence[dict], after: Sequence[dict], inserted: Sequence[int] = ()) -> None:
    """Subtract `before` and add `after` to every rollup table (called inside the writer's transaction).

    `inserted` (a bulk import) holds the ids of the records of `after`, all new: on PostgreSQL the server reads
    them back and sums them set-based, `after` is not even iterated.
    """
    if inserted and not before and connection.vendor == "postgresql":
        rollups.apply_inserted(inserted)
    else:
        rollups.apply_changes(list(before), list(after))


@transaction.atomic
def rollups_rebuild() -> dict[str, int]:
    """Recompute every rollup table from the raw activity records; returns the row count of each table.

    On PostgreSQL the raw tables are locked against writes (reads go on) so that no change slips between the
    rebuild and its commit; SQLite has a single writer anyway.
    """
    if connection.vendor != "postgresql":
        return {spec.label: rollups.rebuild(spec) for spec in rollups.SPECS}
    with connection.cursor() as cursor:
        # Grouping millions of rows: let the server hash them in memory instead of sorting them on disk.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for table in rollups._raw_tables():
            cursor.execute(f"LOCK TABLE {connection.ops.quote_name(table)} IN SHARE MODE")
    counts = {}
    for spec in rollups.SPECS:
        # A bulk load: the table's indexes are built once after it is filled rather than row by row.
        meta = spec.model._meta
        with connection.schema_editor() as editor:
            for constraint in meta.constraints:
                editor.remove_constraint(spec.model, constraint)
            for index in meta.indexes:
                editor.remove_index(spec.model, index)
        counts[spec.label] = rollups.rebuild(spec)
        with connection.schema_editor() as editor:
            for constraint in meta.constraints:
                editor.add_constraint(spec.model, constraint)
            for index in meta.indexes:
                editor.add_index(spec.model, index)
    return counts
