"""Seed the module catalogue: the initial pathway by Pix level, and the first continuing-training modules.

Level 3 → SOCLE (70 h); level 2 → SOCLE + USAGES (210 h); level 1 or no positioning → all three (420 h).
The national team edits the catalogue afterwards in the back-office; this migration only creates what is missing.
"""

from django.db import migrations

MODULES = [
    # code, libellé, nature, durée (h), palier_max, ordre
    ("fi-socle", "Socle : posture de médiateur et accompagnement des publics", "initiale", 70, 3, 1),
    ("fi-usages", "Usages du quotidien et démarches en ligne", "initiale", 140, 2, 2),
    ("fi-fondamentaux", "Fondamentaux du numérique : matériel, Internet, sécurité", "initiale", 210, 1, 3),
    ("fc-cybersecurite", "Cybersécurité et protection des données personnelles", "continue", 14, None, 1),
    ("fc-handicap", "Accompagner les personnes en situation de handicap", "continue", 14, None, 2),
    ("fc-ateliers", "Concevoir et animer des ateliers collectifs", "continue", 21, None, 3),
]


def seed(apps, schema_editor):
    ModuleFormation = apps.get_model("formation", "ModuleFormation")
    for code, libelle, nature, duree, palier_max, ordre in MODULES:
        ModuleFormation.objects.get_or_create(
            code=code,
            defaults={
                "libelle": libelle,
                "nature": nature,
                "duree_heures": duree,
                "palier_max": palier_max,
                "ordre": ordre,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("formation", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
