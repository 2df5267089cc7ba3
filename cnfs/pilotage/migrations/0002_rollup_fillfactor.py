"""Rollup tables leave free room in their pages so that the additive upsert updates rows in place (HOT updates).

Each import or edit updates rows that already exist: on full pages (fillfactor 100, the default) every update
writes the new row version on another page, hence a new entry in every index of the table (the key, the primary
key, the secondary indexes) and dead index entries left behind. With room on the page PostgreSQL keeps the new
version on the same page and, no indexed column having changed (only the measures are updated), touches no index.

The monthly and national tables are small and most of their rows are updated by every import: half of each page
is left free, and they are rewritten at once (CLUSTER on their key, which also drops the dead rows of past
updates). The two daily tables are large and mostly receive new rows: 10 % is kept free; their pages get the room
when they are next written or rebuilt (`cnfs pilotage rebuild`), not by rewriting millions of rows here.
PostgreSQL only: SQLite has no such setting.
"""

from django.db import migrations

DAILY = ("pilotage_rollupjour", "pilotage_rollupthemejour")
MONTHLY = (
    "pilotage_rollupmois",
    "pilotage_rolluporientationmois",
    "pilotage_rollupthememois",
    "pilotage_rollupdepartementmois",
    "pilotage_rollupnational",
    "pilotage_rolluporientationnational",
    "pilotage_rollupthemenational",
)
DAILY_FILLFACTOR, MONTHLY_FILLFACTOR = 90, 50


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    execute = schema_editor.execute
    for table in DAILY:
        execute(f'ALTER TABLE "{table}" SET (fillfactor = {DAILY_FILLFACTOR})')
    for table in MONTHLY:
        execute(f'ALTER TABLE "{table}" SET (fillfactor = {MONTHLY_FILLFACTOR})')
        execute(f'CLUSTER "{table}" USING "{table}_key"')


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in DAILY + MONTHLY:
        schema_editor.execute(f'ALTER TABLE "{table}" RESET (fillfactor)')


class Migration(migrations.Migration):
    dependencies = [("pilotage", "0001_initial")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
