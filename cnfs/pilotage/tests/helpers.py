"""Activity records for the evaluation tests, written the way `cnfs.activite.services` writes them.

`record()` goes through `accompagnement_create` when the activite services are present (the real write path, whose
signal the rollups follow); `write()` sends the documented signal for a bare model write (rows the service would
refuse are not needed here).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from cnfs.activite.models import Accompagnement, AccompagnementTheme
from cnfs.activite.signals import accompagnements_changed, rollup_dict
from cnfs.core.enums import Role
from cnfs.core.tests.factories import user_with_role
from cnfs.recrutement.tests.factories import StructureFactory
from cnfs.territoires.tests.factories import CommuneFactory, DepartementFactory, RegionFactory


def commune_in(dep_code: str, code: str, nom: str, population: int = 10000, lat=45.0, lon=4.0):
    region = RegionFactory(code=f"R{dep_code[:2]}", nom=f"Région {dep_code}")
    dep = DepartementFactory(code=dep_code, nom=f"Département {dep_code}", region=region)
    return CommuneFactory(
        code=code,
        nom=nom,
        search_name=nom.lower(),
        departement=dep,
        region=region,
        population=population,
        latitude=lat,
        longitude=lon,
        codes_postaux=[code],
        codes_postaux_text=code,
    )


def split(total: int, parts: int) -> list[int]:
    base, rest = divmod(total, parts)
    return [base + (1 if i < rest else 0) for i in range(parts)]


def values(
    *,
    conseiller,
    commune,
    date=dt.date(2024, 3, 12),
    structure=None,
    type="individuel",
    canal="lieu_activite",
    duree=30,
    participants=1,
    recurrents=0,
    orientation="",
    themes=("courriel",),
    ages=None,
    statuts=None,
) -> dict:
    ages = ages or [0, 0, 0, 0, participants]
    statuts = statuts or [0, 0, 0, participants, 0]
    return {
        "conseiller": conseiller,
        "structure": structure,
        "commune": commune,
        "departement_code": commune.departement.code,
        "date": date,
        "type": type,
        "canal": canal,
        "duree_minutes": duree,
        "participants": participants,
        "participants_recurrents": recurrents,
        "age_moins_12": ages[0],
        "age_12_18": ages[1],
        "age_18_35": ages[2],
        "age_35_60": ages[3],
        "age_plus_60": ages[4],
        "statut_etudiant": statuts[0],
        "statut_sans_emploi": statuts[1],
        "statut_en_emploi": statuts[2],
        "statut_retraite": statuts[3],
        "statut_non_renseigne": statuts[4],
        "orientation": orientation,
        "_themes": list(themes),
    }


@transaction.atomic
def write(**kwargs) -> Accompagnement:
    """Create one record and send `accompagnements_changed` as the activite services do."""
    data = values(**kwargs)
    themes = data.pop("_themes")
    acc = Accompagnement.objects.create(**data)
    AccompagnementTheme.objects.bulk_create(AccompagnementTheme(accompagnement=acc, theme=t) for t in themes)
    accompagnements_changed.send(sender=Accompagnement, before=[], after=[rollup_dict(acc, themes)])
    return acc


@transaction.atomic
def change(acc: Accompagnement, *, themes=None, **fields) -> Accompagnement:
    """Edit one record (and optionally its topics), sending the old and new states."""
    old_themes = list(acc.themes.values_list("theme", flat=True))
    before = rollup_dict(acc, old_themes)
    for name, value in fields.items():
        setattr(acc, name, value)
    acc.save()
    if themes is not None:
        acc.themes.all().delete()
        AccompagnementTheme.objects.bulk_create(AccompagnementTheme(accompagnement=acc, theme=t) for t in themes)
    new_themes = old_themes if themes is None else list(themes)
    accompagnements_changed.send(sender=Accompagnement, before=[before], after=[rollup_dict(acc, new_themes)])
    return acc


@transaction.atomic
def archive(acc: Accompagnement) -> None:
    from django.utils import timezone

    themes = list(acc.themes.values_list("theme", flat=True))
    before = rollup_dict(acc, themes)
    acc.supprime_le = timezone.now()
    acc.save(update_fields=["supprime_le"])
    accompagnements_changed.send(sender=Accompagnement, before=[before], after=[])


def world():
    """Two départements (42 Loire, 69 Rhône), a structure in each, three advisors, a few varied records."""
    loire = commune_in("42", "42218", "Saint-Étienne", 172565, 45.4339, 4.39)
    rhone = commune_in("69", "69123", "Lyon", 522250, 45.7578, 4.832)
    s_loire = StructureFactory(commune=loire)
    s_rhone = StructureFactory(commune=rhone)
    c1 = user_with_role(Role.CONSEILLER)
    c2 = user_with_role(Role.CONSEILLER)
    c3 = user_with_role(Role.CONSEILLER)
    records = [
        write(
            conseiller=c1,
            commune=loire,
            structure=s_loire,
            date=dt.date(2024, 1, 5),
            participants=2,
            ages=[0, 0, 1, 1, 0],
            statuts=[0, 1, 1, 0, 0],
            themes=("courriel", "internet"),
            duree=45,
        ),
        write(
            conseiller=c1,
            commune=loire,
            structure=s_loire,
            date=dt.date(2024, 1, 5),
            orientation="caf",
            themes=("demarche_en_ligne",),
        ),
        write(
            conseiller=c1,
            commune=loire,
            structure=s_loire,
            date=dt.date(2024, 2, 20),
            type="collectif",
            participants=8,
            recurrents=3,
            duree=120,
            themes=("smartphone",),
            ages=[0, 2, 2, 2, 2],
            statuts=[1, 2, 2, 2, 1],
        ),
        write(
            conseiller=c2,
            commune=loire,
            structure=s_loire,
            date=dt.date(2024, 2, 28),
            canal="domicile",
            type="ponctuel",
            duree=15,
            themes=("securite", "courriel"),
        ),
        write(
            conseiller=c3,
            commune=rhone,
            structure=s_rhone,
            date=dt.date(2024, 3, 1),
            canal="distance",
            participants=3,
            ages=[1, 1, 1, 0, 0],
            statuts=[2, 0, 0, 0, 1],
            orientation="france_services",
            themes=("sante",),
            duree=60,
        ),
        write(conseiller=c3, commune=rhone, date=dt.date(2024, 3, 15), themes=("internet",), duree=30),
    ]
    return {
        "loire": loire,
        "rhone": rhone,
        "s_loire": s_loire,
        "s_rhone": s_rhone,
        "c1": c1,
        "c2": c2,
        "c3": c3,
        "records": records,
    }
