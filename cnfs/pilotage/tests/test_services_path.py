"""The rollups follow the real write path of `cnfs.activite.services`: create, update, archive, bulk import."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from cnfs.activite.models import Accompagnement
from cnfs.activite.services import (
    accompagnement_create,
    accompagnement_delete,
    accompagnement_update,
    accompagnements_import,
)
from cnfs.activite.validation import AccompagnementInvalide
from cnfs.core.enums import Role
from cnfs.core.tests.factories import user_with_role
from cnfs.pilotage import rollups
from cnfs.pilotage.models import RollupJour, RollupNational, RollupThemeNational
from cnfs.pilotage.selectors import rollups_verify
from cnfs.pilotage.tests.helpers import commune_in

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 6, 30)


def _data(**overrides):
    data = {
        "date": dt.date(2025, 6, 2),
        "type": "individuel",
        "canal": "domicile",
        "commune_id": "42218",
        "duree_minutes": 45,
        "participants": 2,
        "participants_recurrents": 1,
        "age_35_60": 1,
        "age_plus_60": 1,
        "statut_retraite": 2,
        "themes": ["courriel", "securite"],
    }
    data.update(overrides)
    return data


def _ok():
    return all(d.ok for d in rollups_verify())


@pytest.fixture
def conseiller():
    commune_in("42", "42218", "Saint-Étienne")
    return user_with_role(Role.CONSEILLER)


def test_create_update_archive_through_the_services(conseiller):
    acc = accompagnement_create(actor=conseiller, data=_data(), today=TODAY)
    national = RollupNational.objects.get()
    assert (national.accompagnements, national.participants, national.minutes) == (1, 2, 45)
    assert _ok()

    accompagnement_update(
        actor=conseiller,
        accompagnement=acc,
        data=_data(type="collectif", participants=3, age_12_18=1, statut_etudiant=1, themes=["smartphone"]),
        today=TODAY,
    )
    national = RollupNational.objects.get()
    assert (national.type, national.ateliers, national.participants) == ("collectif", 1, 3)
    assert list(RollupThemeNational.objects.values_list("theme", "accompagnements")) == [("smartphone", 1)]
    assert _ok()

    accompagnement_delete(actor=conseiller, accompagnement=acc)
    assert not RollupJour.objects.exists() and not RollupNational.objects.exists()
    assert _ok()


def test_refused_record_changes_no_rollup(conseiller):
    with pytest.raises(AccompagnementInvalide):
        accompagnement_create(actor=conseiller, data=_data(age_plus_60=5), today=TODAY)  # ages do not sum up
    with pytest.raises(AccompagnementInvalide):
        accompagnement_create(actor=conseiller, data=_data(date=dt.date(2025, 7, 5)), today=TODAY)  # future
    assert not Accompagnement.objects.exists()
    assert not RollupJour.objects.exists()


def test_bulk_import_updates_the_rollups(conseiller):
    rows = [
        {
            **{k: str(v) for k, v in _data().items() if k != "themes"},
            "themes": "courriel|internet",
            "date": f"2025-0{1 + i % 5}-1{i % 9}",
            "conseiller": conseiller.email,
        }
        for i in range(40)
    ]
    report = accompagnements_import(rows=rows, actor=None, today=TODAY, batch_size=20)
    assert report.created == 40 and not report.rejected
    assert RollupNational.objects.filter(type="individuel").count() == 5
    assert sum(RollupThemeNational.objects.values_list("accompagnements", flat=True)) == 80
    assert _ok()


def test_import_all_or_nothing_with_a_bad_row_writes_no_rollup(conseiller):
    good = {**{k: str(v) for k, v in _data().items() if k != "themes"}, "themes": "courriel"}
    rows = [dict(good, conseiller=conseiller.email), dict(good, conseiller=conseiller.email, themes="astrologie")]
    report = accompagnements_import(rows=rows, actor=None, today=TODAY)
    assert report.rejected and report.created == 0
    assert not RollupJour.objects.exists()


def test_command_import_onto_existing_rollups_leaves_the_verifier_clean(conseiller, tmp_path):
    """`cnfs activite import` (valid rows only, one refused) adds to rollup keys that already hold records, and
    `cnfs pilotage verifier` then finds every table equal to the raw records; the refused row is in no rollup."""
    from cnfs.activite.tests.factories import conseiller_with_lieux
    from cnfs.recrutement.tests.factories import StructureFactory

    structure = StructureFactory()
    placed, (lieu,) = conseiller_with_lieux(structure=structure)
    accompagnement_create(actor=conseiller, data=_data(), today=TODAY)
    accompagnement_create(
        actor=placed, data=_data(canal="lieu_activite", lieu_id=lieu.pk, commune_id=None), today=TODAY
    )
    header = "conseiller;date;type;canal;lieu_id;commune_id;duree_minutes;participants;age_35_60;statut_retraite;"
    header += "orientation;themes"
    lines = [header]
    for i in range(30):
        date = f"2025-06-0{2 + i % 3}"  # the first day is the existing records' day: same rollup keys
        if i % 2:
            lines.append(f"{placed.email};{date};individuel;lieu_activite;{lieu.pk};;30;1;1;1;caf;courriel|securite")
        else:
            lines.append(f"{conseiller.email};{date};collectif;domicile;;42218;60;3;3;3;;internet")
    lines.append(f"{conseiller.email};2025-06-02;individuel;domicile;;42218;30;2;1;2;;courriel")  # ages: 1 for 2
    path = tmp_path / "cra.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    out = io.StringIO()
    call_command("activite", "import", str(path), "--valides-seulement", stdout=out)
    assert "Ligne 32 : La répartition par âge compte 1 personne pour 2 personnes" in out.getvalue()
    assert Accompagnement.objects.count() == 32
    assert RollupJour.objects.filter(structure_id=structure.pk).exists()
    national = {(r.type, r.canal): r.accompagnements for r in RollupNational.objects.all()}
    assert national == {
        ("individuel", "domicile"): 1,
        ("individuel", "lieu_activite"): 16,
        ("collectif", "domicile"): 15,
    }
    verified = io.StringIO()
    call_command("pilotage", "verifier", stdout=verified)
    assert verified.getvalue().count(": conformes") == len(rollups.SPECS) == 9
