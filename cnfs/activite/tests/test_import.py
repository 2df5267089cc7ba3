"""Bulk import of activity records: per-row French report, all-or-nothing or valid-only, inserted in batches with
one signal for the whole import, no query per row."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from cnfs.activite.imports import ALL_OR_NOTHING, VALID_ONLY, read_csv
from cnfs.activite.models import Accompagnement, AccompagnementTheme
from cnfs.activite.services import accompagnements_import
from cnfs.activite.tests.conftest import nothing_written
from cnfs.activite.tests.factories import TODAY, conseiller_with_lieux
from cnfs.core.enums import Role
from cnfs.core.errors import DomainError
from cnfs.core.tests.factories import user_with_role

pytestmark = pytest.mark.django_db

HEADER = "conseiller;date;type;canal;lieu_id;commune_id;duree_minutes;participants;age_35_60;statut_retraite;themes"


def _line(
    email, lieu, *, date="2026-06-01", participants=1, ages=None, themes="courriel|sante", canal="lieu_activite"
):
    ages = participants if ages is None else ages
    lieu_id = lieu.pk if lieu else ""
    return f"{email};{date};individuel;{canal};{lieu_id};;30;{participants};{ages};{participants};{themes}"


def _csv(*lines) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode()


@pytest.fixture
def two_advisors():
    a, (lieu_a,) = conseiller_with_lieux()
    b, (lieu_b,) = conseiller_with_lieux()
    return a, lieu_a, b, lieu_b


def test_import_writes_every_valid_row_in_batches_with_one_signal_for_the_import(two_advisors, signals):
    a, lieu_a, b, lieu_b = two_advisors
    lines = [_line(a.email, lieu_a, participants=1 + i % 3) for i in range(7)] + [_line(b.email, lieu_b)]
    report = accompagnements_import(rows=read_csv(_csv(*lines)), today=TODAY, batch_size=3)
    assert (report.total, report.created, report.rejected, report.written) == (8, 8, [], True)
    assert Accompagnement.objects.filter(conseiller=a).count() == 7
    assert AccompagnementTheme.objects.count() == 16
    assert [len(s["after"]) for s in signals] == [8]
    assert all(s["before"] == [] for s in signals)
    assert sorted(signals[0]["inserted"]) == sorted(Accompagnement.objects.values_list("pk", flat=True))
    assert sum(row["participants"] for s in signals for row in s["after"]) == sum(
        Accompagnement.objects.values_list("participants", flat=True)
    )
    record = Accompagnement.objects.filter(conseiller=b).get()
    assert (record.lieu_id, record.commune_id, record.departement_code) == (lieu_b.pk, lieu_b.commune_id, "42")


def test_all_or_nothing_reports_each_rejected_row_and_writes_nothing(two_advisors, signals):
    a, lieu_a, b, lieu_b = two_advisors
    data = _csv(
        _line(a.email, lieu_a),
        _line(a.email, lieu_a, date="2030-01-01"),
        _line(a.email, lieu_b),  # b's place
        _line("inconnu@exemple.fr", lieu_a),
        _line(a.email, lieu_a, participants=2, ages=1),
        _line(a.email, lieu_a, themes="courriel|horoscope"),
        _line(a.email, lieu_a, date="2019-06-01"),
    )
    with nothing_written():
        report = accompagnements_import(rows=read_csv(data), today=TODAY)
    assert not report.written and signals == []
    assert report.rejected == [
        (3, "La date ne peut pas être dans le futur."),
        (4, "Ce lieu ne fait pas partie de vos lieux d’activité."),
        (5, "Conseiller inconnu : aucun conseiller numérique n’a l’adresse « inconnu@exemple.fr »."),
        (6, "La répartition par âge compte 1 personne pour 2 personnes : il en manque 1."),
        (7, "Le thème « horoscope » ne fait pas partie de la liste du programme."),
        (8, "La date ne peut pas être antérieure au 1er janvier 2020."),
    ]
    assert "Mode tout ou rien : aucune ligne n’a été enregistrée." in report.summary_lines()


def test_a_refusal_found_after_batches_were_sent_still_writes_nothing(two_advisors, signals):
    """All or nothing: on PostgreSQL the first batches are already on their way to the server when the bad last row
    is read; they are rolled back, and the next import on the same connection works."""
    from cnfs.pilotage.models import RollupJour

    a, lieu_a, *_ = two_advisors
    lines = [_line(a.email, lieu_a) for _ in range(5)] + [_line(a.email, lieu_a, themes="horoscope")]
    with nothing_written():
        report = accompagnements_import(rows=read_csv(_csv(*lines)), today=TODAY, batch_size=2)
    assert report.rejected == [(7, "Le thème « horoscope » ne fait pas partie de la liste du programme.")]
    assert (report.valid, report.created, report.written) == (5, 0, False)
    assert signals == [] and not RollupJour.objects.exists()
    report = accompagnements_import(rows=read_csv(_csv(*lines[:5])), today=TODAY, batch_size=2)
    assert report.created == 5 and Accompagnement.objects.count() == 5 and AccompagnementTheme.objects.count() == 10
    assert sum(RollupJour.objects.values_list("accompagnements", flat=True)) == 5


def test_valid_only_writes_the_valid_rows(two_advisors):
    a, lieu_a, _, lieu_b = two_advisors
    data = _csv(_line(a.email, lieu_a), _line(a.email, lieu_b), _line(a.email, lieu_a))
    report = accompagnements_import(rows=read_csv(data), mode=VALID_ONLY, today=TODAY)
    assert (report.created, [line for line, _ in report.rejected]) == (2, [3])
    assert Accompagnement.objects.count() == 2


def test_dry_run_writes_nothing(two_advisors):
    a, lieu_a, _, _ = two_advisors
    with nothing_written():
        report = accompagnements_import(rows=read_csv(_csv(_line(a.email, lieu_a))), dry_run=True, today=TODAY)
    assert (report.valid, report.written) == (1, False)


def test_import_queries_do_not_grow_with_rows(two_advisors):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    a, lieu_a, b, lieu_b = two_advisors

    def queries(n):
        lines = [_line(a.email if i % 2 else b.email, lieu_a if i % 2 else lieu_b) for i in range(n)]
        rows = read_csv(_csv(*lines))
        with CaptureQueriesContext(connection) as context:
            report = accompagnements_import(rows=rows, today=TODAY, batch_size=5000)
        assert report.created == n
        # The rollups that the evaluation app keeps up to date on the signal are its own tests' concern, and so are
        # the savepoints of its receiver.
        own = [
            q["sql"] for q in context.captured_queries if "pilotage_" not in q["sql"] and "SAVEPOINT" not in q["sql"]
        ]
        return len(own)

    small, large = queries(20), queries(400)
    assert small <= 8
    if connection.vendor == "postgresql":
        assert large == small  # one COPY per table and batch
    else:
        # SQLite caps the parameters of one statement: bulk_create splits an insert every few dozen rows.
        assert large - small <= 400 // 20


def test_an_advisor_imports_only_their_own_records(two_advisors):
    a, lieu_a, b, _ = two_advisors
    with nothing_written(), pytest.raises(DomainError, match="votre propre activité"):
        accompagnements_import(rows=[], actor=a, conseiller=b, today=TODAY)
    with nothing_written(), pytest.raises(DomainError, match="équipe nationale"):
        accompagnements_import(rows=[], actor=a, today=TODAY)
    report = accompagnements_import(rows=read_csv(_csv(_line("", lieu_a))), actor=a, conseiller=a, today=TODAY)
    assert report.created == 1


def test_the_conseiller_column_must_name_an_advisor(two_advisors):
    _, lieu_a, _, _ = two_advisors
    structure_manager = user_with_role(Role.STRUCTURE)
    report = accompagnements_import(rows=read_csv(_csv(_line(structure_manager.email, lieu_a))), today=TODAY)
    assert report.rejected[0][1].startswith("Conseiller inconnu")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Le fichier est vide."),
        (b"date;type\n2024-01-01;individuel\n", "Colonne(s) obligatoire(s) absente(s) : canal, duree_minutes"),
        (b"\xff\xfe\x00\x00\x81", "n’est ni en UTF-8"),
    ],
)
def test_unreadable_files_are_refused(data, message):
    with pytest.raises(DomainError) as error:
        read_csv(data)
    assert message in error.value.message


def test_read_csv_accepts_commas_aliases_and_windows_encoding():
    rows = read_csv(
        "date,type,canal,durée,duree,participants,themes,commune\n01/02/2024,individuel,domicile,,30,1,sante,42218\n".encode(
            "cp1252"
        )
    )
    assert rows[0]["duree_minutes"] == "30" and rows[0]["commune_id"] == "42218" and rows[0]["date"] == "01/02/2024"


def test_command_imports_and_reports(tmp_path, two_advisors, capsys):
    a, lieu_a, _, lieu_b = two_advisors
    path = tmp_path / "cra.csv"
    path.write_bytes(_csv(_line(a.email, lieu_a, date=(dt.date.today() - dt.timedelta(days=2)).isoformat())))
    call_command("activite", "import", str(path))
    out = capsys.readouterr().out
    assert "1 compte(s) rendu(s) d’activité enregistré(s)." in out
    path.write_bytes(_csv(_line(a.email, lieu_b)))
    with pytest.raises(CommandError, match="aucune ligne"):
        call_command("activite", "import", str(path))
    assert "Ligne 2 : Ce lieu ne fait pas partie de vos lieux d’activité." in capsys.readouterr().out
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("activite", "import", str(tmp_path / "absent.csv"))


def test_modes_constant_names():
    assert {ALL_OR_NOTHING, VALID_ONLY} == {"tout_ou_rien", "valides_seulement"}


def test_free_text_with_tabs_line_breaks_and_backslashes_survives_the_bulk_insert(two_advisors):
    a, lieu_a, _, _ = two_advisors
    notes = "Ligne 1\tcolonne\nLigne 2 \\N C:\\dossier\r\nfin"
    row = read_csv(_csv(_line(a.email, lieu_a)))[0] | {"notes": notes}
    report = accompagnements_import(rows=[row, row | {"notes": ""}], today=TODAY)
    assert report.created == 2
    assert sorted(Accompagnement.objects.values_list("notes", flat=True)) == ["", notes]
    assert Accompagnement.objects.filter(notes="", lieu_id=lieu_a.pk, structure__isnull=True).count() == 1
