"""Pix results and priority-zone imports: per-row French report, all-or-nothing or valid rows only, reruns."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from cnfs.core.errors import DomainError
from cnfs.core.models import AuditEvent
from cnfs.core.tests.auth import login
from cnfs.core.tests.factories import user_with_role
from cnfs.recrutement.importers.common import VALID_ONLY
from cnfs.recrutement.importers.pix import parse_score
from cnfs.recrutement.models import Candidature, Structure
from cnfs.recrutement.services.imports import pix_import, zones_import
from cnfs.recrutement.tests.conftest import nothing_written
from cnfs.recrutement.tests.factories import (
    CandidatureFactory,
    StructureFactory,
    commune_lyon,
    commune_roanne,
    national_agent,
)

pytestmark = pytest.mark.django_db

PIX_HEADER = (
    "Nom de l'organisation;ID Campagne;Nom du Participant;Prénom du Participant;Adresse e-mail;% de progression;"
    "Partage (O/N);Date du partage;Palier obtenu (/3);"
    "% de maîtrise des acquis de la compétence Mener une recherche et une veille d’information;"
    "% de maîtrise des acquis de la compétence Interagir;"
    "% de maîtrise des acquis de la compétence Développer des documents textuels"
)


def pix_csv(*rows: str, header: str = PIX_HEADER, encoding: str = "utf-8-sig") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode(encoding)


def pix_row(email, palier="2", s1="80", s2="45 %", s3="0,6", partage="O", date="15/03/2021"):
    return f"ANCT;123;Nom;Prénom;{email};100 %;{partage};{date};{palier};{s1};{s2};{s3}"


@pytest.fixture
def candidats():
    return [CandidatureFactory(email="ines@exemple.fr"), CandidatureFactory(email="paul@exemple.fr")]


def test_pix_import_records_level_and_competences_and_rerun_changes_nothing(candidats):
    data = pix_csv(pix_row("Ines@Exemple.fr"), pix_row("paul@exemple.fr", palier="3", s1="0.2", s2="100", s3="50"))
    report = pix_import(data=data, origin="pix.csv")
    assert report.written and report.changed == 2 and not report.rejected
    assert (report.encoding, report.delimiter) == ("UTF-8", "point-virgule")
    ines = Candidature.objects.get(email="ines@exemple.fr")
    assert (ines.pix_palier, ines.pix_score_1, ines.pix_score_2, ines.pix_score_3) == (2, 80, 45, 60)
    assert (ines.pix_competence_1, ines.pix_competence_2, ines.pix_competence_3) == (True, False, True)
    assert ines.pix_partage_le.isoformat() == "2021-03-15"
    paul = Candidature.objects.get(email="paul@exemple.fr")
    assert (paul.pix_palier, paul.pix_score_1, paul.pix_competence_1, paul.pix_competence_3) == (3, 20, False, True)
    assert AuditEvent.objects.filter(action="recrutement.import_pix").count() == 1

    with nothing_written(Candidature):
        again = pix_import(data=data, origin="pix.csv")
    assert again.changed == 0 and again.unchanged == 2
    assert "0 candidature(s) modifiée(s), 2 inchangée(s) (enregistré)." in again.summary_lines()


def test_pix_bad_rows_are_reported_with_line_and_reason_and_nothing_is_written(candidats):
    data = pix_csv(
        pix_row("ines@exemple.fr"),
        pix_row("inconnu@exemple.fr"),
        pix_row("paul@exemple.fr", palier="4"),
        pix_row("ines@exemple.fr", palier="1"),
        pix_row("paul@exemple.fr", s2="130"),
        pix_row("pas-une-adresse", partage="N"),
        pix_row("paul@exemple.fr", s3="beaucoup", date="hier"),
    )
    with nothing_written(Candidature):
        report = pix_import(data=data, origin="pix.csv")
    assert not report.written and report.refused
    reasons = {r.line: " ; ".join(r.reasons) for r in report.rejected}
    assert set(reasons) == {3, 4, 5, 6, 7, 8}
    assert "aucune candidature avec l’adresse e-mail « inconnu@exemple.fr »" in reasons[3]
    assert "niveau Pix 4 hors de l’intervalle 1 à 3" in reasons[4]
    assert "déjà présente ligne 2" in reasons[5]
    assert "score 130 % hors de l’intervalle 0 à 100" in reasons[6]
    assert "invalide" in reasons[7] and "n’a pas partagé" in reasons[7]
    assert "illisible" in reasons[8] and "date du partage « hier »" in reasons[8]
    assert not Candidature.objects.filter(pix_palier__isnull=False).exists()
    lines = report.summary_lines()
    assert any(line.startswith("Aucune modification enregistrée") for line in lines)
    assert any(line.startswith("Rejet ligne 4 (« paul@exemple.fr ») : niveau Pix 4") for line in lines)


def test_pix_valid_rows_only_writes_the_valid_ones(candidats):
    data = pix_csv(pix_row("ines@exemple.fr"), pix_row("inconnu@exemple.fr"))
    report = pix_import(data=data, origin="pix.csv", mode=VALID_ONLY)
    assert report.written and report.changed == 1 and [r.line for r in report.rejected] == [3]
    assert Candidature.objects.get(email="ines@exemple.fr").pix_palier == 2
    assert Candidature.objects.get(email="paul@exemple.fr").pix_palier is None


def test_pix_dry_run_writes_nothing(candidats):
    with nothing_written(Candidature):
        report = pix_import(data=pix_csv(pix_row("ines@exemple.fr")), origin="pix.csv", dry_run=True)
    assert report.changed == 1 and not report.written
    assert Candidature.objects.get(email="ines@exemple.fr").pix_palier is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Le fichier est vide."),
        (b"  \n\n", "Le fichier est vide."),
        (PIX_HEADER.encode() + b"\n", "seul l’en-tête est présent"),
        (PIX_HEADER.replace(";", ":").encode() + b"\nx:y\n", "séparateur non reconnu"),
        (b"email;niveau\nines@exemple.fr;2\n", "Colonne(s) obligatoire(s) absente(s)"),
        (pix_csv(pix_row("inès@exemple.fr"), encoding="utf-8").decode("cp1252").encode(), "Encodage incorrect"),
        (pix_csv(pix_row("ines@exemple.fr"), encoding="utf-16-le"), "octet nul ligne 1"),
        (pix_csv('"ines@exemple.fr;2'), "mal formé"),
    ],
    ids=["vide", "blanc", "en-tete-seul", "separateur", "colonnes", "double-encodage", "utf16", "guillemets"],
)
def test_pix_unreadable_files_are_refused_in_french(candidats, data, message):
    with nothing_written(Candidature), pytest.raises(DomainError) as excinfo:
        pix_import(data=data, origin="pix.csv")
    assert message in excinfo.value.message


def test_pix_reads_windows_1252_with_commas(candidats):
    header = PIX_HEADER.replace(";", ",")
    row = pix_row("ines@exemple.fr", s3="60").replace(";", ",")
    report = pix_import(data=pix_csv(row, header=header, encoding="cp1252"), origin="pix.csv")
    assert report.written and report.changed == 1
    assert (report.encoding, report.delimiter) == ("Windows-1252", "virgule")


def test_wrong_number_of_cells_is_a_rejected_row(candidats):
    report = pix_import(data=pix_csv(pix_row("ines@exemple.fr") + ";extra"), origin="pix.csv")
    assert [r.line for r in report.rejected] == [2]
    assert "13 colonne(s) au lieu de 12" in report.rejected[0].reasons[0]


@given(st.integers(min_value=0, max_value=100))
@settings(max_examples=50, deadline=None)
def test_parse_score_accepts_every_written_form(value):
    assert parse_score(str(value)) == value
    assert parse_score(f"{value} %") == value
    assert parse_score(f"{value / 100:.2f}".replace(".", ",")) == value


@given(st.text(max_size=12))
@settings(max_examples=200, deadline=None)
def test_parse_score_never_crashes(text):
    try:
        value = parse_score(text)
    except ValueError as exc:
        assert str(exc)
    else:
        assert 0 <= value <= 100


# --- Priority zones ------------------------------------------------------------------------------------------------


@pytest.fixture
def structures():
    roanne = commune_roanne()
    return {
        "a": StructureFactory(commune=roanne),
        "b": StructureFactory(commune=roanne),
        "lyon": StructureFactory(commune=commune_lyon()),
    }


def zones_csv(*rows: str, header: str = "siret;code_insee;qpv;zrr") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def test_zones_by_siret_and_by_commune_and_rerun_changes_nothing(structures):
    a, b, lyon = structures["a"], structures["b"], structures["lyon"]
    data = zones_csv(";42187;;oui", f"{lyon.siret};;oui;", f"{b.siret};;;non")
    report = zones_import(data=data, origin="zones.csv")
    assert report.written and not report.rejected
    flags = {s.pk: (s.qpv, s.zrr) for s in Structure.objects.all()}
    assert flags == {a.pk: (False, True), b.pk: (False, False), lyon.pk: (True, False)}
    assert report.changed == 2 and report.unchanged == 1  # b: the commune says ZRR, its own row says no
    assert report.warnings == [
        (4, f"ZRR / FRR de la structure {b.siret} prise sur cette ligne plutôt que sur la ligne 2 de sa commune")
    ]
    with nothing_written(Structure):
        again = zones_import(data=data, origin="zones.csv")
    assert again.changed == 0 and again.unchanged == 3


def test_official_frr_list_columns_are_read(structures):
    data = zones_csv("42187;Roanne;1", header="CODGEO;LIBGEO;FRR")
    report = zones_import(data=data, origin="frr.csv")
    assert report.changed == 2
    assert set(Structure.objects.filter(zrr=True)) == {structures["a"], structures["b"]}


def test_zones_bad_rows_are_reported_and_nothing_is_written(structures):
    a = structures["a"]
    data = zones_csv(
        f"{a.siret};;oui;",
        "2100000000000;;oui;",
        f"{a.siret[:-1]}{(int(a.siret[-1]) + 1) % 10};;oui;",
        f"{a.siret};;non;",
        ";99999;;oui",
        ";42187;oui;",
        ";;oui;",
        f"{structures['b'].siret};;peut-être;",
        f"{structures['b'].siret};;;",
        f"{structures['lyon'].siret};42187;oui;",
    )
    with nothing_written(Structure):
        report = zones_import(data=data, origin="zones.csv")
    reasons = {r.line: " ; ".join(r.reasons) for r in report.rejected}
    assert set(reasons) == {3, 4, 5, 6, 7, 8, 9, 10, 11}
    assert "numéro SIRET doit comporter 14 chiffres (vous en avez saisi 13)" in reasons[3]
    assert "clé de contrôle incorrecte" in reasons[4]
    assert "SIRET déjà présent ligne 2" in reasons[5]
    assert "code INSEE 99999 inconnu" in reasons[6]
    assert "le QPV se déclare par SIRET" in reasons[7]
    assert "ni SIRET ni code INSEE" in reasons[8]
    assert "valeur « peut-être » illisible pour QPV" in reasons[9]
    assert "aucune zone indiquée" in reasons[10]
    assert "n’est pas dans la commune 42187" in reasons[11]
    assert not Structure.objects.filter(qpv=True).exists()


def test_zones_unknown_valid_siret_is_rejected(structures):
    from cnfs.recrutement.tests.factories import make_siret

    report = zones_import(data=zones_csv(f"{make_siret(9999)};;oui;"), origin="zones.csv")
    assert "aucune structure avec le SIRET" in report.rejected[0].reasons[0]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Le fichier est vide."),
        (b"siret;qpv\n", "seul l’en-tête est présent"),
        (b"nom;commune\nx;y\n", "siret ou code_insee"),
        (b"siret;nom\n123;y\n", "qpv ou zrr"),
    ],
)
def test_zones_unreadable_files_are_refused(structures, data, message):
    with pytest.raises(DomainError) as excinfo:
        zones_import(data=data, origin="zones.csv")
    assert message in excinfo.value.message


def test_commune_without_structure_is_a_warning(structures):
    from cnfs.territoires.tests.factories import CommuneFactory

    CommuneFactory(code="42001", nom="Aboën", search_name="aboen")
    report = zones_import(data=zones_csv(";42001;;oui"), origin="zones.csv")
    assert report.written and report.warnings == [(2, "aucune structure dans la commune 42001")]


def test_only_the_national_team_imports():
    with pytest.raises(DomainError):
        pix_import(data=b"x", origin="x.csv", actor=user_with_role("hub"))


# --- Command and upload page ----------------------------------------------------------------------------------------


def test_command_imports_and_refuses_in_french(candidats, tmp_path, capsys):
    good = tmp_path / "pix.csv"
    good.write_bytes(pix_csv(pix_row("ines@exemple.fr")))
    call_command("recrutement", "import-pix", str(good))
    assert "1 candidature(s) modifiée(s), 0 inchangée(s) (enregistré)." in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(pix_csv(pix_row("inconnu@exemple.fr")))
    with pytest.raises(CommandError, match="Import refusé"):
        call_command("recrutement", "import-pix", str(bad))
    assert "Rejet ligne 2" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("recrutement", "import-zones", str(tmp_path / "absent.csv"))
    empty = tmp_path / "vide.csv"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="Le fichier est vide"):
        call_command("recrutement", "import-zones", str(empty))


@pytest.mark.parametrize("kind", ["pix", "zones"])
@pytest.mark.parametrize(
    ("who", "status"),
    [("anct", 200), ("hub", 403), ("prefecture", 403), ("structure", 403), ("candidat", 403)],
)
def test_upload_pages_are_for_the_national_team(client, kind, who, status):
    login(client, national_agent() if who == "anct" else user_with_role(who))
    assert client.get(reverse(f"recrutement:import_{kind}")).status_code == status


def test_upload_page_sends_anonymous_to_login(client):
    response = client.get(reverse("recrutement:import_pix"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("core:login"))


def test_upload_page_shows_the_report(client, candidats):
    login(client, national_agent())
    url = reverse("recrutement:import_pix")
    upload = SimpleUploadedFile("pix.csv", pix_csv(pix_row("ines@exemple.fr"), pix_row("x@exemple.fr")))
    response = client.post(url, {"fichier": upload, "mode": "tout-ou-rien"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Rejet ligne 3 (« x@exemple.fr ») : aucune candidature" in html
    assert Candidature.objects.get(email="ines@exemple.fr").pix_palier is None
    upload = SimpleUploadedFile("vide.csv", b"")
    response = client.post(url, {"fichier": upload, "mode": "tout-ou-rien"})
    assert "Fichier refusé" in response.content.decode() or "vide" in response.content.decode()
