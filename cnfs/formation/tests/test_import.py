"""CSV import of training results: per-row French report, all-or-nothing or valid rows only, rerun changes
nothing, scoped to the organisation's own trainees; bad files refused whole."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from cnfs.core.errors import DomainError
from cnfs.core.models import AuditEvent
from cnfs.core.tests.auth import login
from cnfs.formation import importers, services
from cnfs.formation.models import Inscription, PassageBloc
from cnfs.formation.tests.factories import (
    InscriptionFactory,
    OrganismeFormationFactory,
    organisme_agent,
    recruited_advisor,
)
from cnfs.recrutement.enums import EtapeConseiller
from cnfs.recrutement.tests.conftest import nothing_written
from cnfs.recrutement.tests.factories import TODAY, national_agent

pytestmark = pytest.mark.django_db
HEADER = "email;code;heures_prevues;heures_realisees;date_debut;date_fin;resultat\n"
START = TODAY - datetime.timedelta(days=40)


@pytest.fixture
def setup():
    organisme = OrganismeFormationFactory()
    ana = recruited_advisor(contrat_debut=TODAY - datetime.timedelta(days=1), email="ana@exemple.fr", pix_palier=2)
    InscriptionFactory(candidature=ana, organisme=organisme, date_debut=START + datetime.timedelta(days=60))
    bob = recruited_advisor(email="bob@exemple.fr")
    InscriptionFactory(candidature=bob, organisme=organisme, date_debut=START + datetime.timedelta(days=60))
    stranger = recruited_advisor(email="autre@exemple.fr")
    InscriptionFactory(candidature=stranger, organisme=OrganismeFormationFactory())
    return {"organisme": organisme, "ana": ana, "bob": bob, "agent": organisme_agent(organisme)}


def run(setup, text, *, actor="agent", encoding="utf-8", **kwargs):
    who = setup["agent"] if actor == "agent" else actor
    return services.resultats_import(
        actor=who,
        organisme=setup["organisme"],
        data=text.encode(encoding) if isinstance(text, str) else text,
        origin="resultats.csv",
        today=TODAY,
        **kwargs,
    )


GOOD = (
    HEADER
    + f"ana@exemple.fr;fi-socle;70;70;{START:%d/%m/%Y};{START + datetime.timedelta(days=25):%d/%m/%Y};valide\n"
    + f"ANA@exemple.fr;fi-usages;140;35,5;{START + datetime.timedelta(days=30):%Y-%m-%d};;en_cours\n"
    + f"bob@exemple.fr;CCP1;;;{START:%d/%m/%Y};;admis\n"
)


def test_good_file_creates_updates_and_runs_the_gate(setup):
    report = run(setup, GOOD)
    assert (report.created, report.updated, report.unchanged, report.rejected) == (2, 1, 0, [])
    assert report.written
    socle = Inscription.objects.get(candidature=setup["ana"], module__code="fi-socle")
    assert (socle.heures_realisees, socle.resultat, socle.date_debut) == (Decimal(70), "valide", START)
    usages = Inscription.objects.get(candidature=setup["ana"], module__code="fi-usages")
    assert usages.heures_realisees == Decimal("35.5")
    assert PassageBloc.objects.get(candidature=setup["bob"]).resultat == "admis"
    setup["ana"].refresh_from_db()
    assert setup["ana"].etape == EtapeConseiller.EN_POSTE  # training started and contract begun
    assert AuditEvent.objects.filter(action="formation.resultats_import").count() == 1


def test_rerun_changes_nothing(setup):
    run(setup, GOOD)
    events = AuditEvent.objects.count()
    with nothing_written(Inscription, PassageBloc):
        report = run(setup, GOOD)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert AuditEvent.objects.count() == events


BAD_ROWS = [
    ("inconnu@exemple.fr;fi-socle;70;10;01/12/2029;;en_cours", "aucun de vos stagiaires n’a l’adresse"),
    ("autre@exemple.fr;fi-socle;70;10;01/12/2029;;en_cours", "aucun de vos stagiaires n’a l’adresse"),
    (
        "ana@exemple.fr;fi-socle;70;80;01/12/2029;;en_cours",
        "heures réalisées (80 h) supérieures aux heures prévues (70 h)",
    ),
    ("ana@exemple.fr;fi-socle;70;10;31/02/2029;;en_cours", "date de début « 31/02/2029 » invalide"),
    ("ana@exemple.fr;fi-socle;70;10;01/12/2029;01/11/2029;valide", "précède la date de début"),
    ("ana@exemple.fr;fi-socle;70;10;01/12/2029;;valide", "une formation terminée"),
    ("ana@exemple.fr;fi-socle;70;10;01/12/2030;;en_cours", "n’a pas commencé"),
    ("ana@exemple.fr;fi-socle;70;dix;01/12/2029;;en_cours", "n’est pas un nombre d’heures"),
    ("ana@exemple.fr;xx-inconnu;70;10;01/12/2029;;en_cours", "code « xx-inconnu » inconnu"),
    ("ana@exemple.fr;fi-socle;70;10;01/12/2029;;super", "résultat « super » inconnu"),
    ("ana@exemple.fr;CCP2;;;01/12/2030;;admis", "épreuve à venir"),
    ("ana@exemple.fr;CCP2;3;;01/12/2029;;admis", "ne compte pas d’heures"),
    ("ana@exemple.fr;fc-cybersecurite;14;0;01/12/2029;;inscrit", "réservée aux conseillers en poste"),
]


@pytest.mark.parametrize(("row", "reason"), BAD_ROWS)
def test_bad_row_is_reported_with_its_line_and_nothing_is_written(setup, row, reason):
    with nothing_written(Inscription, PassageBloc):
        report = run(setup, GOOD + row + "\n")
    assert not report.written
    assert [r.line for r in report.rejected] == [5]
    assert reason in " ; ".join(report.rejected[0].reasons)
    assert any(line.startswith("Rejet ligne 5") for line in report.summary_lines())
    assert any("Aucun résultat importé" in line for line in report.summary_lines())


def test_valid_only_writes_the_valid_rows(setup):
    report = run(setup, GOOD + BAD_ROWS[2][0] + "\n", mode=importers.VALID_ONLY)
    assert report.written
    assert (report.created, report.updated, len(report.rejected)) == (2, 1, 1)
    assert Inscription.objects.get(candidature=setup["ana"], module__code="fi-socle").heures_realisees == 70


def test_same_row_twice_is_rejected(setup):
    row = f"bob@exemple.fr;fi-socle;70;7;{START:%d/%m/%Y};;en_cours\n"
    report = run(setup, HEADER + row + row)
    assert [(r.line, r.reasons) for r in report.rejected] == [(3, ["même conseiller et même code qu’à la ligne 2"])]


def test_national_team_gets_precise_reasons_and_may_enrol(setup):
    anct = national_agent()
    report = run(
        setup,
        HEADER + "inconnu@exemple.fr;fi-socle;70;1;01/12/2029;;en_cours\n"
        "autre@exemple.fr;fi-socle;70;1;01/12/2029;;en_cours\n",
        actor=anct,
    )
    assert report.rejected[0].reasons == [
        "conseiller inconnu : aucune candidature n’a l’adresse « inconnu@exemple.fr »"
    ]
    assert report.rejected[1].reasons == ["déjà inscrit·e au module « fi-socle » auprès d’un autre organisme"]


def test_another_organisation_cannot_import_here(setup):
    with pytest.raises(DomainError, match="Vous ne pouvez pas importer"):
        run(setup, GOOD, actor=organisme_agent(OrganismeFormationFactory()))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Le fichier est vide."),
        (b"   \n\n", "Le fichier est vide."),
        (HEADER.encode(), "seul l’en-tête est présent"),
        (b"email,code\nana@exemple.fr,fi-socle\n", "Colonne(s) absente(s) : date_debut, resultat"),
        (b"email|code|heures_prevues|heures_realisees|date_debut|date_fin|resultat\n", "En-tête non reconnu"),
        (HEADER.encode("utf-16"), "Encodage non reconnu"),
        (b"PK\x03\x04\x00\x00binary", "Encodage non reconnu"),
        ((HEADER + "ana@exemple.fr;fi-socle;70;1;01/12/2029;;Ã©tÃ©\n").encode(), "Encodage incorrect"),
        ((HEADER + 'ana@exemple.fr;"fi-socle;70;1;01/12/2029;;en_cours\n').encode(), "CSV mal formé"),
    ],
)
def test_unreadable_files_are_refused_whole(setup, data, message):
    with nothing_written(Inscription, PassageBloc), pytest.raises(importers.ImportFileError) as error:
        run(setup, data)
    assert message in error.value.message


def test_windows_1252_and_comma_delimiter_are_read(setup):
    fin = START + datetime.timedelta(days=3)
    text = HEADER.replace(";", ",") + f'bob@exemple.fr,fi-socle,70,"3,5",{START:%d/%m/%Y},{fin:%d/%m/%Y},Validé\n'
    report = run(setup, text, encoding="cp1252")
    assert (report.encoding, report.delimiter, report.updated) == ("Windows-1252", "virgule", 1)


def test_wrong_number_of_cells_is_a_rejected_line(setup):
    report = run(setup, GOOD + "bob@exemple.fr;fi-socle;70\n")
    assert report.rejected[0].line == 5
    assert "3 colonne(s) au lieu de 7" in report.rejected[0].reasons[0]


def test_dry_run_writes_nothing(setup):
    with nothing_written(Inscription, PassageBloc):
        report = run(setup, GOOD, dry_run=True)
    assert (report.created, report.updated, report.written) == (2, 1, False)


def test_command_imports_and_refuses(setup, tmp_path, capsys):
    path = tmp_path / "resultats.csv"
    path.write_text(
        HEADER + "ana@exemple.fr;fi-socle;70;70;06/01/2020;31/01/2020;Validé\n"
        "ana@exemple.fr;fi-usages;140;35,5;2020-02-03;;En cours\n"
        "bob@exemple.fr;CCP1;;;14/02/2020;;Admis·e\n"
    )
    call_command("formation", "import", str(path), "--organisme", str(setup["organisme"].pk))
    out = capsys.readouterr().out
    assert "3 ligne(s) lue(s) : 3 valide(s), 0 rejetée(s)." in out
    path.write_text(HEADER + "inconnu@exemple.fr;fi-socle;70;1;01/12/2020;;en_cours\n")
    with pytest.raises(CommandError, match="Import refusé"):
        call_command("formation", "import", str(path), "--organisme", str(setup["organisme"].pk))
    assert "conseiller inconnu" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("formation", "import", str(tmp_path / "absent.csv"), "--organisme", "1")


def test_upload_page_reports_rows(client, setup):
    login(client, setup["agent"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "resultats.csv", (HEADER + "inconnu@exemple.fr;fi-socle;70;1;01/12/2020;;en_cours\n").encode()
    )
    response = client.post(
        reverse("formation:import", args=[setup["organisme"].pk]),
        {"fichier": upload, "mode": importers.ALL_OR_NOTHING},
    )
    page = response.content.decode()
    assert "Rejet ligne 2 (inconnu@exemple.fr) : aucun de vos stagiaires n’a l’adresse" in page


@given(st.decimals(min_value=0, max_value=500, places=1), st.decimals(min_value=0, max_value=500, places=1))
def test_parsed_hours_round_trip_and_completed_never_exceed_planned(prevues, realisees):
    errors: list[str] = []
    assert importers.parse_hours(str(prevues).replace(".", ","), "heures", errors) == prevues
    assert errors == []
    from cnfs.formation import rules

    problems = rules.record_problems(
        heures_prevues=prevues,
        heures_realisees=realisees,
        date_debut=datetime.date(2020, 1, 1),
        date_fin=None,
        resultat="en_cours",
        today=datetime.date(2021, 1, 1),
    )
    fields = {f for f, _ in problems}
    assert ("heures_realisees" in fields) == (realisees > prevues)
    assert ("heures_prevues" in fields) == (not 0 < prevues <= 420)


def test_other_commands_print_the_gate_funnel_and_pathways(setup, capsys):
    call_command("formation", "readiness")
    out = capsys.readouterr().out
    assert "conseiller(s) passé(s) à l’étape « Recruté·e »" in out
    call_command("formation", "entonnoir", "--departement", "42")
    assert capsys.readouterr().out.strip() == "Département : Loire (42) : 3 recrutés, 0 en formation, 0 en poste."
    call_command("formation", "parcours")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Niveau Pix 3 : 70 h — fi-socle (70 h)"
    assert out[2].startswith("Niveau Pix 1 : 420 h — fi-socle (70 h), fi-usages (140 h), fi-fondamentaux (210 h)")
