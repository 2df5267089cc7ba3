"""The reference files import completely: the 687 Hinaura places (v0.1.1) and the schema's own v1.0.1 example."""

import io

import pytest
from django.core.management import CommandError, call_command

from cnfs.lieux.enums import Frais, Label, ModaliteAccompagnement, PriseEnCharge, PublicAdresse, Service
from cnfs.lieux.models import Lieu
from cnfs.lieux.tests.communes import load_communes
from cnfs.lieux.tests.conftest import EXEMPLE_V1_CSV, HINAURA_CSV, require_reference

pytestmark = pytest.mark.django_db


def command(*args) -> str:
    out = io.StringIO()
    call_command("lieux", *args, stdout=out)
    return out.getvalue()


def test_hinaura_imports_completely_and_a_rerun_changes_nothing():
    path = str(require_reference(HINAURA_CSV))
    load_communes()
    output = command("import", path)
    assert "687 lieu(x) lu(s) : 687 valide(s), 0 rejeté(s)." in output
    assert "687 créé(s), 0 mis à jour, 0 inchangé(s)" in output
    assert "vocabulaire du schéma v0.1.1" in output
    assert Lieu.objects.filter(source="Hinaura").count() == 687

    # v0.1.1 → v1.0.1 mapping, checked on the first place of the file (id 0, Abondance).
    lieu = Lieu.objects.get(source_id="0")
    assert lieu.commune.nom == "Abondance" and lieu.commune_id == "74001"
    assert set(lieu.services) == {Service.ACCES_INTERNET_MATERIEL, Service.AIDE_DEMARCHES}
    assert set(lieu.publics_specifiquement_adresses) == {
        PublicAdresse.FAMILLES_ENFANTS,
        PublicAdresse.JEUNES,
        PublicAdresse.SENIORS,
    }
    assert set(lieu.prise_en_charge_specifique) == {
        PriseEnCharge.SURDITE,
        PriseEnCharge.HANDICAPS_MENTAUX,
        PriseEnCharge.ILLETTRISME,
        PriseEnCharge.DEFICIENCE_VISUELLE,
    }
    assert lieu.frais_a_charge == [Frais.GRATUIT]
    assert lieu.modalites_accompagnement == [ModaliteAccompagnement.INDIVIDUEL]
    # "Accepte le Pass numérique" (91 places in the file) becomes the pass numérique label.
    assert Lieu.objects.with_label(Label.PASS_NUMERIQUE).count() == 91
    # The file's one impossible point (a place of Annecy placed in the Loire) is dropped, the place kept.
    assert Lieu.objects.filter(latitude__isnull=True).count() == 1

    rerun = command("import", path)
    assert "0 créé(s), 0 mis à jour, 687 inchangé(s)" in rerun


def test_schema_example_v1_imports():
    path = str(require_reference(EXEMPLE_V1_CSV))
    load_communes(["51"])
    output = command("import", path, "--dry-run")
    assert "1 créé(s)" in output and "simulation" in output and not Lieu.objects.exists()
    command("import", path)
    lieu = Lieu.objects.get()
    assert lieu.commune_id == "51454" and lieu.pivot == "43493312300029"
    assert lieu.label_aidants_connect and lieu.label_conseillers_numeriques and not lieu.label_france_services
    assert lieu.itinerance == ["itinerant"] and lieu.courriels == [
        "contact@laquincaillerie.tl",
        "responsable@laquincaillerie.tl",
    ]


def test_command_refuses_missing_file_and_all_or_nothing_failures(tmp_path):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        command("import", str(tmp_path / "absent.csv"))
    empty = tmp_path / "vide.csv"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="Le fichier est vide"):
        command("import", str(empty))


@pytest.fixture
def http_server(tmp_path):
    """A real HTTP server on localhost serving `tmp_path`: `cnfs lieux import URL` downloads from it."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_command_imports_from_a_url(tmp_path, http_server):
    from cnfs.lieux.tests.helpers import csv_bytes, v1_row
    from cnfs.territoires.tests.factories import CommuneFactory

    CommuneFactory()
    (tmp_path / "lieux.csv").write_bytes(csv_bytes([v1_row()]))
    output = command("import", f"{http_server}/lieux.csv")
    assert "1 créé(s)" in output and Lieu.objects.get().source_id == "lieu-1"
    with pytest.raises(CommandError, match=r"Téléchargement refusé par le serveur \(404\)"):
        command("import", f"{http_server}/absent.csv")
    with pytest.raises(CommandError, match="Téléchargement impossible"):
        command("import", "http://127.0.0.1:9/lieux.csv")  # nothing listens on the discard port
    assert Lieu.objects.count() == 1
