"""The rollups follow the real write path of `cnfs.activite.services`: create, update, archive, bulk import."""

import datetime as dt

import pytest

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
