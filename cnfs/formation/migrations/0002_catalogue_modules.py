"""Seed the module catalogue (see `cnfs.formation.catalogue`): only what is missing is created."""

from django.db import migrations


def seed(apps, schema_editor):
    from cnfs.formation.catalogue import ensure_catalogue

    ensure_catalogue(apps.get_model("formation", "ModuleFormation"))


class Migration(migrations.Migration):
    dependencies = [("formation", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
