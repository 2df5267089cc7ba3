"""The daily rows hold their records' set of topics (`RollupJour.themes`, one bit per topic); the daily topic table
(`RollupThemeJour`, one row per advisor, day and topic) is dropped.

An import used to write a daily row per record and one more per record and topic (1.75 topics per record): the
daily topic figures are now read from the daily rows, per bit, and the monthly topic table is summed from them.
The daily table is refilled here from the raw records with the same sums `cnfs pilotage rebuild` gives, the key
index built after the fill. The topics and their bits are frozen here as `rollups.TOPIC_BITS` lists them today.
Going back recreates an empty daily topic table: run `cnfs pilotage rebuild` then.
"""

from django.db import migrations, models

TOPIC_BITS = (
    "equipement_informatique",
    "vocabulaire",
    "internet",
    "securite",
    "courriel",
    "echanger",
    "traitement_texte",
    "contenus_numeriques",
    "trouver_emploi",
    "tpe_pme",
    "accompagner_enfant",
    "demarche_en_ligne",
    "fraude_harcelement",
    "sante",
    "smartphone",
    "budget",
    "scolaire",
    "annonce",
    "logement",
    "donnees_personnelles",
    "diagnostic",
    "autre",
)
AGES_AND_SITUATIONS = (
    "age_moins_12",
    "age_12_18",
    "age_18_35",
    "age_35_60",
    "age_plus_60",
    "statut_etudiant",
    "statut_sans_emploi",
    "statut_en_emploi",
    "statut_retraite",
    "statut_non_renseigne",
)
DIMENSIONS = {
    "jour": "a.date",
    "conseiller_id": "a.conseiller_id",
    "structure_id": "COALESCE(a.structure_id, 0)",
    "lieu_id": "COALESCE(a.lieu_id, 0)",
    "commune_code": "COALESCE(a.commune_code, '')",
    "departement_code": "COALESCE(a.departement_code, '')",
    "type": "a.type",
    "canal": "a.canal",
    "orientation": "COALESCE(a.orientation, '')",
    "themes": "COALESCE(tm.themes, 0)",
}
MEASURES = {
    "accompagnements": "COUNT(*)",
    "ateliers": "SUM(CASE WHEN a.type = 'collectif' THEN 1 ELSE 0 END)",
    "participants": "SUM(a.participants)",
    "recurrents": "SUM(a.participants_recurrents)",
    "minutes": "SUM(a.duree_minutes)",
    **{name: f"SUM(a.{name})" for name in AGES_AND_SITUATIONS},
}
KEY = (
    "conseiller_id",
    "jour",
    "structure_id",
    "lieu_id",
    "commune_code",
    "departement_code",
    "type",
    "canal",
    "orientation",
    "themes",
)


def refill(apps, schema_editor):
    bits = " ".join(f"WHEN '{code}' THEN {1 << n}" for n, code in enumerate(TOPIC_BITS))
    columns = ", ".join([*DIMENSIONS, *MEASURES])
    select = ", ".join(f"{sql} AS {name}" for name, sql in [*DIMENSIONS.items(), *MEASURES.items()])
    postgresql = schema_editor.connection.vendor == "postgresql"
    schema_editor.execute(f"{'TRUNCATE' if postgresql else 'DELETE FROM'} pilotage_rollupjour")  # no dead rows left
    schema_editor.execute(
        f"INSERT INTO pilotage_rollupjour ({columns}) SELECT {select} FROM activite_accompagnement a "
        f"LEFT JOIN (SELECT t.accompagnement_id, SUM(CASE t.theme {bits} ELSE 0 END) AS themes "
        "FROM activite_accompagnementtheme t GROUP BY t.accompagnement_id) tm ON tm.accompagnement_id = a.id "
        f"WHERE a.supprime_le IS NULL GROUP BY {', '.join(DIMENSIONS.values())} ORDER BY {', '.join(KEY)}"
    )


class Migration(migrations.Migration):
    dependencies = [("pilotage", "0003_rollup_conseiller")]

    operations = [
        migrations.DeleteModel(name="RollupThemeJour"),
        migrations.RemoveConstraint(model_name="rollupjour", name="pilotage_rollupjour_key"),
        migrations.AddField(
            model_name="rollupjour",
            name="themes",
            field=models.BigIntegerField(default=0, verbose_name="thèmes"),
        ),
        migrations.RunPython(refill, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="rollupjour",
            constraint=models.UniqueConstraint(fields=KEY, name="pilotage_rollupjour_topics_key"),
        ),
    ]
