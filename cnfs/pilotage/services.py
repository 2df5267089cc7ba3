"""Writes of the evaluation app: rollups follow every change of the activity records, and can be rebuilt."""

from __future__ import annotations

from django.db import connection, transaction

from cnfs.pilotage import rollups


@transaction.atomic
def rollups_apply(*, before: list[dict], after: list[dict]) -> None:
    """Subtract `before` and add `after` to every rollup table (called inside the writer's transaction)."""
    rollups.apply_changes(before, after)


@transaction.atomic
def rollups_rebuild() -> dict[str, int]:
    """Recompute every rollup table from the raw activity records; returns the row count of each table.

    On PostgreSQL the raw tables are locked against writes (reads go on) so that no change slips between the
    rebuild and its commit; SQLite has a single writer anyway.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in rollups._raw_tables():
                cursor.execute(f"LOCK TABLE {connection.ops.quote_name(table)} IN SHARE MODE")
    return {spec.model._meta.verbose_name_plural: rollups.rebuild(spec) for spec in rollups.SPECS}
