"""Advisors by structure and département (`RollupConseiller`) replace the secondary indexes of the daily tables.

A département's or a structure's dashboard at the daily grain now reads its advisors from this small table, then
their daily rows over the daily tables' own key (advisor first). The three indexes dropped here were written on
every new daily row, the bulk of what an import costs the rollups. The new table is filled from the daily one (the
same sums `cnfs pilotage rebuild` gives) and, being mostly updated, keeps half of its pages free (see 0002).
"""

from django.db import migrations, models

TABLE = "pilotage_rollupconseiller"


def fill(apps, schema_editor):
    execute = schema_editor.execute
    execute(
        f'INSERT INTO "{TABLE}" (conseiller_id, structure_id, departement_code, accompagnements, participants) '
        "SELECT conseiller_id, structure_id, departement_code, SUM(accompagnements), SUM(participants) "
        'FROM "pilotage_rollupjour" GROUP BY conseiller_id, structure_id, departement_code'
    )
    if schema_editor.connection.vendor == "postgresql":
        execute(f'ALTER TABLE "{TABLE}" SET (fillfactor = 50)')


class Migration(migrations.Migration):
    dependencies = [("pilotage", "0002_rollup_fillfactor")]

    operations = [
        migrations.CreateModel(
            name="RollupConseiller",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("conseiller_id", models.IntegerField(verbose_name="conseiller")),
                ("structure_id", models.IntegerField(default=0, verbose_name="structure")),
                (
                    "departement_code",
                    models.CharField(blank=True, default="", max_length=3, verbose_name="département"),
                ),
                ("accompagnements", models.IntegerField(default=0, verbose_name="accompagnements")),
                ("participants", models.IntegerField(default=0, verbose_name="participants")),
            ],
            options={"verbose_name": "cumul par conseiller", "verbose_name_plural": "cumuls par conseiller"},
        ),
        migrations.AddConstraint(
            model_name="rollupconseiller",
            constraint=models.UniqueConstraint(
                fields=("conseiller_id", "structure_id", "departement_code"), name="pilotage_rollupconseiller_key"
            ),
        ),
        migrations.RemoveIndex(model_name="rollupjour", name="pilotage_jour_structure"),
        migrations.RemoveIndex(model_name="rollupjour", name="pilotage_jour_dep"),
        migrations.RemoveIndex(model_name="rollupthemejour", name="pilotage_themejour_structure"),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
