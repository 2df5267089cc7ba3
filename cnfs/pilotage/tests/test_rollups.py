"""Rollups follow every write (create, edit, archive), rebuild from the raw records, and are proved equal to them."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F

from cnfs.pilotage import rollups
from cnfs.pilotage.models import RollupJour, RollupMois, RollupOrientationMois, RollupThemeMois
from cnfs.pilotage.selectors import rollups_verify
from cnfs.pilotage.services import rollups_rebuild
from cnfs.pilotage.tests.helpers import archive, change, world, write

pytestmark = pytest.mark.django_db


def _snapshot():
    result = {}
    for spec in rollups.SPECS:
        rows = spec.model.objects.values_list(*spec.dims, *spec.measures)
        result[spec.model.__name__] = sorted(rows)
    return result


def _all_ok():
    return all(d.ok for d in rollups_verify())


def test_writes_maintain_every_rollup_table():
    w = world()
    assert _all_ok()
    assert RollupJour.objects.count() == 6  # the two records of c1 on 5 January differ by their orientation
    mois = RollupMois.objects.get(mois=dt.date(2024, 2, 1), departement_code="42", type="collectif")
    assert (mois.accompagnements, mois.ateliers, mois.participants, mois.recurrents, mois.minutes) == (1, 1, 8, 3, 120)
    courriel = RollupThemeMois.objects.filter(theme="courriel").values_list("accompagnements", flat=True)
    assert sorted(courriel) == [1, 1]
    assert RollupOrientationMois.objects.get(orientation="caf").accompagnements == 1
    # c3's two records, one on santé and one on internet, each as its daily row's set of topics.
    sets = RollupJour.objects.filter(conseiller_id=w["c3"].pk).order_by("jour").values_list("themes", flat=True)
    assert [rollups.topics_of(mask) for mask in sets] == [["sante"], ["internet"]]


def test_every_topic_has_its_bit_in_the_daily_rows():
    from cnfs.activite.enums import Theme

    assert sorted(rollups.TOPIC_BITS) == sorted(code for code, _ in Theme.choices)
    assert len(set(rollups.TOPIC_BIT.values())) == len(rollups.TOPIC_BITS) <= 63  # a bigint's bits
    assert rollups.topics_of(rollups.topic_mask(["autre", "courriel"])) == ["courriel", "autre"]


def test_same_key_records_are_summed_in_one_row():
    w = world()
    for _ in range(3):
        write(conseiller=w["c2"], commune=w["loire"], structure=w["s_loire"], date=dt.date(2024, 4, 2), duree=20)
    row = RollupJour.objects.get(conseiller_id=w["c2"].pk, jour=dt.date(2024, 4, 2))
    assert (row.accompagnements, row.minutes, row.participants) == (3, 60, 3)
    assert _all_ok()


def test_edit_moves_the_record_between_keys_and_topics():
    w = world()
    acc = w["records"][4]
    change(
        acc,
        date=dt.date(2024, 5, 2),
        participants=1,
        age_moins_12=0,
        age_12_18=0,
        age_18_35=1,
        statut_etudiant=1,
        statut_non_renseigne=0,
        canal="lieu_activite",
        themes=["budget", "logement"],
    )
    assert _all_ok()
    assert not RollupMois.objects.filter(mois=dt.date(2024, 3, 1), canal="distance").exists()
    assert not RollupThemeMois.objects.filter(theme="sante").exists()
    assert RollupThemeMois.objects.get(theme="budget", mois=dt.date(2024, 5, 1)).participants == 1


def test_archive_removes_the_record_from_every_figure_and_empties_rows():
    w = world()
    for acc in w["records"]:
        archive(acc)
    assert _all_ok()
    assert _snapshot() == {spec.model.__name__: [] for spec in rollups.SPECS}


def test_rebuild_gives_the_same_tables_as_the_incremental_path():
    w = world()
    change(w["records"][0], duree_minutes=50)
    archive(w["records"][1])
    incremental = _snapshot()
    counts = rollups_rebuild()
    assert _snapshot() == incremental
    assert counts["cumuls quotidiens"] == RollupJour.objects.count()


def test_verifier_reports_a_difference_in_french_and_exits_1(capsys):
    world()
    call_command("pilotage", "verifier")
    assert "Tous les cumuls sont égaux aux données brutes" in capsys.readouterr().out
    RollupMois.objects.filter(type="collectif").update(participants=999)
    # The santé topic dropped from the daily rows' sets of topics.
    RollupJour.objects.update(themes=F("themes").bitand(~rollups.TOPIC_BIT["sante"]))
    with pytest.raises(CommandError, match="2 table\\(s\\) de cumul diffèrent"):
        call_command("pilotage", "verifier")
    out = capsys.readouterr().out
    assert "dans le cumul seulement" in out and "participants=999" in out
    assert "dans les données brutes seulement" in out and "themes=" in out
    call_command("pilotage", "rebuild")
    assert "Cumuls recalculés" in capsys.readouterr().out
    call_command("pilotage", "verifier")


def test_verifier_sees_a_raw_change_made_behind_the_services_back():
    from cnfs.activite.models import Accompagnement

    w = world()
    Accompagnement.objects.filter(pk=w["records"][2].pk).update(duree_minutes=90)
    differences = {d.spec.model.__name__: d for d in rollups_verify()}
    assert not differences["RollupJour"].ok and not differences["RollupMois"].ok
    assert differences["RollupOrientationMois"].ok  # it does not sum minutes


def test_cli_command_via_cnfs_entry_point():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "cnfs", "help", "pilotage"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "rebuild" in result.stdout and "verifier" in result.stdout
