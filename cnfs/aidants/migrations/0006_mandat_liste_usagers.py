"""The usager's names copied on each mandate, and the index that sorts the aidant's usager list (issue 7)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_usager_names(apps, schema_editor):
    Mandat = apps.get_model("aidants", "Mandat")
    Usager = apps.get_model("aidants", "Usager")
    usager = Usager.objects.filter(pk=OuterRef("usager_id")).order_by()
    Mandat.objects.using(schema_editor.connection.alias).update(
        usager_nom=Subquery(usager.values("family_name")[:1]),
        usager_prenoms=Subquery(usager.values("given_names")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("aidants", "0005_mandat_en_cours_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="mandat",
            name="usager_nom",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=255, verbose_name="nom de l’usager (tri)"
            ),
        ),
        migrations.AddField(
            model_name="mandat",
            name="usager_prenoms",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=255, verbose_name="prénoms de l’usager (tri)"
            ),
        ),
        migrations.RunPython(copy_usager_names, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="mandat",
            index=models.Index(
                condition=models.Q(("revoked_at__isnull", True)),
                fields=["organisation", "usager_nom", "usager_prenoms", "fin", "id"],
                include=("debut", "usager"),
                name="aidants_mandat_liste_usagers",
            ),
        ),
    ]
