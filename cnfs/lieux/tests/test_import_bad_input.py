"""Bad input: every refusal has a French reason with its line number, and nothing is written half-way."""

import json

import pytest

from cnfs.core.models import AuditEvent
from cnfs.lieux.importers.plan import ALL_OR_NOTHING, VALID_ONLY
from cnfs.lieux.importers.reading import ImportFileError
from cnfs.lieux.models import Lieu
from cnfs.lieux.services import lieux_import
from cnfs.lieux.tests.helpers import csv_bytes, v1_row
from cnfs.territoires.tests.factories import CommuneFactory, DepartementFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def communes():
    CommuneFactory()  # Saint-Étienne 42218, 42000/42100
    rhone = DepartementFactory(code="69", nom="Rhône", region=RegionFactory())
    CommuneFactory(
        code="69123",
        nom="Lyon",
        search_name="lyon",
        departement=rhone,
        latitude=45.7578,
        longitude=4.8320,
        codes_postaux=["69001", "69002", "69003"],
        codes_postaux_text="69001 69002 69003",
    )


def run(rows_or_bytes, mode=ALL_OR_NOTHING, **kwargs):
    data = rows_or_bytes if isinstance(rows_or_bytes, bytes) else csv_bytes(rows_or_bytes)
    return lieux_import(data=data, origin="essai.csv", mode=mode, **kwargs)


def reasons(report) -> dict[int, str]:
    return {r.line: " ; ".join(r.reasons) for r in report.rejected}


def test_valid_file_imports_and_rerun_changes_nothing():
    rows = [v1_row(), v1_row(id="lieu-2", nom="Espace numérique Beaubrun", latitude="45.44", longitude="4.38")]
    report = run(rows)
    assert (report.created, report.updated, report.unchanged, report.rejected) == (2, 0, 0, [])
    lieu = Lieu.objects.get(source="Test", source_id="lieu-1")
    assert lieu.commune_id == "42218" and lieu.label_france_services
    assert lieu.services == ["aide-demarches-administratives", "maitrise-outils-numeriques"]
    again = run(rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert "0 créé(s), 0 mis à jour, 2 inchangé(s)" in "\n".join(again.summary_lines())
    changed = run([v1_row(nom="Médiathèque de Tarentaize"), rows[1]])
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    assert Lieu.objects.get(source_id="lieu-1").nom == "Médiathèque de Tarentaize"
    assert AuditEvent.objects.filter(action="lieux.import").count() == 2  # the unchanged rerun wrote nothing


@pytest.mark.parametrize(
    "override, expected",
    [
        ({"services": "Aide aux démarches administratives|Cours de cuisine"}, "valeur inconnue « Cours de cuisine »"),
        ({"frais_a_charge": "Gratuit|Cher"}, "frais_a_charge : valeur inconnue « Cher »"),
        ({"pivot": "43493312300028"}, "SIRET « 43493312300028 » : clé de contrôle invalide"),
        ({"pivot": "12AB"}, "Pivot « 12AB » invalide"),
        ({"code_postal": "75001"}, "Le code postal 75001 ne correspond pas à la commune Saint-Étienne (42218)"),
        ({"latitude": "40.71", "longitude": "-74.00"}, "Coordonnées hors de France"),
        ({"latitude": "4.389", "longitude": "45.4411"}, "Latitude et longitude semblent inversées"),
        ({"latitude": "quarante-cinq"}, "non numériques"),
        ({"horaires": "lundi 9h-12h"}, "Horaires invalides : « lundi 9h-12h »"),
        ({"telephone": "04 77 ABC"}, "téléphone « 04 77 ABC » invalide"),
        ({"date_maj": "hier"}, "date de mise à jour « hier » invalide"),
        ({"nom": ""}, "nom manquant"),
        ({"code_insee": "", "commune": "Saint-Étienne", "code_postal": "69001"}, "ne correspond pas à la commune"),
        ({"code_insee": "", "commune": "Atlantide", "code_postal": "99999"}, "introuvable"),
    ],
)
def test_each_bad_value_is_refused_with_its_line(override, expected):
    report = run([v1_row(id="bon"), v1_row(id="mauvais", **override)])
    assert list(reasons(report)) == [3]  # header is line 1, the bad row is line 3
    assert expected in reasons(report)[3]
    assert "Rejet ligne 3 (id « mauvais »)" in "\n".join(report.summary_lines())
    assert not report.written and Lieu.objects.count() == 0  # all or nothing


def test_valid_only_mode_writes_the_valid_rows():
    report = run([v1_row(id="bon"), v1_row(id="mauvais", pivot="123")], mode=VALID_ONLY)
    assert report.written and report.created == 1 and list(reasons(report)) == [3]
    assert list(Lieu.objects.values_list("source_id", flat=True)) == ["bon"]


def test_dry_run_writes_nothing():
    report = run([v1_row()], dry_run=True)
    assert report.created == 1 and not report.written
    assert Lieu.objects.count() == 0 and not AuditEvent.objects.exists()


def test_duplicate_id_inside_one_file():
    report = run([v1_row(), v1_row(nom="Autre nom")])
    assert "identifiant « lieu-1 » (source Test) déjà utilisé ligne 2 de ce fichier" in reasons(report)[3]
    assert Lieu.objects.count() == 0


def test_likely_duplicates_are_reported_never_merged():
    run([v1_row()])
    report = run([v1_row(id="autre-id", nom="Médiathèque de Tarentaize", latitude="45.44112")], mode=VALID_ONLY)
    assert report.created == 1 and Lieu.objects.count() == 2
    (dup,) = report.duplicates
    assert dup.line == 2 and "lieu existant" in dup.other
    assert "même pivot (43493312300029) et même adresse" in dup.reason


def test_places_within_50_m_with_similar_names_are_reported_never_merged():
    # ~33 m apart (0.0003° of latitude), no pivot to compare: the distance and the names give them away.
    rows = [
        v1_row(id="a", pivot="", nom="Médiathèque Tarentaize", latitude="45.44110", adresse="20 rue Jo Gouttebarge"),
        v1_row(id="b", pivot="", nom="Mediatheque de Tarentaize", latitude="45.44140", adresse="Place Tarentaize"),
        # As close, but another place: not reported.
        v1_row(id="c", pivot="", nom="Maison France Services", latitude="45.44125", adresse="3 rue Beaubrun"),
        # Same name, 90 m away: not reported.
        v1_row(id="d", pivot="", nom="Médiathèque Tarentaize", latitude="45.44191", adresse="Autre rue"),
    ]
    report = run(rows)
    assert report.created == 4 and Lieu.objects.count() == 4
    assert [(d.line, d.other, d.reason) for d in report.duplicates] == [(3, "la ligne 2", "à 33 m avec un nom proche")]
    assert "Doublon probable ligne 3" in "\n".join(report.summary_lines())


def test_nearby_duplicates_are_found_across_grid_cells():
    # 0.0010 and 0.00099° of longitude straddle a ~100 m grid cell boundary, 8 m apart at this latitude.
    run([v1_row(id="a", pivot="", longitude="4.39100")])
    report = run([v1_row(id="b", pivot="", longitude="4.39090", adresse="ailleurs")], mode=VALID_ONLY)
    assert len(report.duplicates) == 1 and "à 8 m avec un nom proche" in report.duplicates[0].reason


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"", "Le fichier est vide : aucune ligne à lire, pas même l’en-tête (ligne 1)."),
        (b"  \n\n", "Le fichier est vide"),
        (b"id,pivot,nom,commune,code_postal,adresse\n", "seul l’en-tête (ligne 1) est présent"),
        (b"[]", "aucun lieu"),
        (b"{pas du json", "JSON invalide ligne 1"),
        (b"id:nom:commune:code_postal:adresse\n1:x:y:42000:z\n", "Séparateur non reconnu ligne 1"),
        (
            b"id,nom,commune,zip,street\n1,a,b,c,d\n",
            "En-tête (ligne 1) : colonne(s) obligatoire(s) absente(s) : code_postal, adresse",
        ),
        ("id,nom,commune,code_postal,adresse\n".encode("utf-16-le"), "Encodage non reconnu : octet nul ligne 1"),
        (
            "id,nom,commune,code_postal,adresse\n1,Médiathèque,Saint-Étienne,42000,rue\n".encode()
            .decode("latin-1")
            .encode(),
            "Encodage incorrect : caractères « Ã© » ligne 2",
        ),
        (b"id,nom,commune,code_postal,adresse\n1,a,b,42000,d\n2,\x81\x8d,b,42000,d\n", "octet 0x81 ligne 3"),
    ],
)
def test_unreadable_files_are_refused_whole(data, expected):
    with pytest.raises(ImportFileError) as excinfo:
        run(data)
    assert expected in excinfo.value.message
    assert Lieu.objects.count() == 0


def test_rows_with_another_delimiter_are_rejected_with_their_line():
    good = csv_bytes([v1_row()])
    bad_line = csv_bytes([v1_row(id="x")], delimiter=";").split(b"\n")[1]
    report = run(good + bad_line + b"\n")
    assert "colonne(s) au lieu de 32" in reasons(report)[3] and "virgule" in reasons(report)[3]
    assert not report.written and Lieu.objects.count() == 0  # the good row waits for the file to be fixed


def test_a_failure_while_writing_leaves_nothing_half_imported(monkeypatch):
    run([v1_row(id="existant")])
    rows = [v1_row(id="existant", nom="Nouveau nom"), v1_row(id="nouveau", latitude="45.44", longitude="4.38")]

    def broken_bulk_update(*args, **kwargs):
        raise RuntimeError("panne de la base pendant l’écriture")

    monkeypatch.setattr(Lieu.objects, "bulk_update", broken_bulk_update)
    with pytest.raises(RuntimeError):
        run(rows)  # the new place was already inserted when the update of the existing one failed
    assert list(Lieu.objects.values_list("source_id", "nom")) == [("existant", "Médiathèque Tarentaize")]
    assert AuditEvent.objects.filter(action="lieux.import").count() == 1


def test_windows_1252_and_semicolons_are_detected():
    report = run(csv_bytes([v1_row()], delimiter=";", encoding="cp1252"))
    assert report.created == 1 and report.encoding == "Windows-1252" and report.delimiter == "point-virgule"
    assert Lieu.objects.get().commune.nom == "Saint-Étienne"


def test_json_records_are_numbered_by_position():
    rows = [v1_row(), v1_row(id="2", services=["Aide aux démarches administratives", "Inconnu"])]
    report = run(json.dumps(rows).encode())
    assert report.format == "json" and list(reasons(report)) == [2]
    assert "Rejet enregistrement 2" in "\n".join(report.summary_lines())


def test_source_option_overrides_and_is_required_somewhere():
    report = run([v1_row(source="")])
    assert "source manquante" in reasons(report)[2]
    report = run([v1_row(source="")], source="Hub")
    assert report.created == 1 and Lieu.objects.get().source == "Hub"
