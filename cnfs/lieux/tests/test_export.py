"""Export in the national schema v1.0.1: the public CSV, validated with frictionless, and the public JSON API."""

import csv
import io
from pathlib import Path

import pytest
from frictionless import Resource, Schema, system

from cnfs.lieux.enums import Service
from cnfs.lieux.exports import SCHEMA_COLUMNS, write_csv
from cnfs.lieux.models import Lieu
from cnfs.lieux.services import lieux_import
from cnfs.lieux.tests.communes import load_communes
from cnfs.lieux.tests.conftest import HINAURA_CSV, SCHEMA_V1, require_reference
from cnfs.lieux.tests.factories import LieuFactory

pytestmark = pytest.mark.django_db


def frictionless_errors(path: Path) -> list:
    schema = Schema.from_descriptor(str(require_reference(SCHEMA_V1)))
    with system.use_context(trusted=True):
        report = Resource(path=str(path), schema=schema).validate()
    return report.flatten(["rowNumber", "fieldName", "type", "note"])


def export_to(tmp_path) -> Path:
    path = tmp_path / "lieux.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        write_csv(Lieu.objects.all(), fh)
    return path


def varied_places():
    """Factories with every trait, a shared id across two sources and the pass numérique."""
    LieuFactory(france_services=True, seniors=True, source="Hub", source_id="1")
    LieuFactory(aidants_connect=True, pass_numerique=True, source="Autre", source_id="1")
    LieuFactory(conseillers_numeriques=True, sans_coordonnees=True, itinerance=["itinerant", "fixe"])
    LieuFactory(
        fabrique_de_territoire=True,
        presentation_resume="r" * 280,
        services=[choice for choice, _ in Service.choices],
        typologie=["TIERS_LIEUX", "ASSO"],
        site_web=["https://exemple.fr", "https://exemple.org/a"],
        courriels=["a@exemple.fr", "b@exemple.fr"],
        pivot="W751234567",
    )


def test_factory_places_export_validates_against_the_schema(tmp_path):
    varied_places()
    path = export_to(tmp_path)
    assert frictionless_errors(path) == []
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert list(rows[0]) == list(SCHEMA_COLUMNS)
    ids = [r["id"] for r in rows]
    assert len(set(ids)) == 4 and "1@hub" in ids and "1@autre" in ids
    passe = next(r for r in rows if r["id"] == "1@autre")
    assert passe["autres_formations_labels"] == "Pass numérique"
    assert passe["dispositif_programmes_nationaux"] == "Aidants Connect"


def test_export_reimports_as_the_same_places(tmp_path):
    varied_places()
    data = export_to(tmp_path).read_bytes()
    report = lieux_import(data=data, origin="export.csv")
    assert (report.created, report.updated, len(report.rejected)) == (0, 4, 0)
    again = lieux_import(data=data, origin="export.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert Lieu.objects.filter(accepte_pass_numerique=True).count() == 1


def test_imported_hinaura_places_export_validates_against_the_schema(tmp_path):
    load_communes()
    report = lieux_import(data=require_reference(HINAURA_CSV).read_bytes(), origin="hinaura.csv")
    assert report.created == 687
    path = export_to(tmp_path)
    assert frictionless_errors(path) == []
    assert len(list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))) == 687


def test_public_csv_download(client):
    LieuFactory(france_services=True)
    LieuFactory()
    response = client.get("/donnees/lieux.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))
    assert rows[0] == list(SCHEMA_COLUMNS) and len(rows) == 3
    filtered = client.get("/donnees/lieux.csv?label=france-services")
    assert len(b"".join(filtered.streaming_content).decode().strip().splitlines()) == 2
    assert client.get("/donnees/lieux.csv?service=cuisine").status_code == 400
