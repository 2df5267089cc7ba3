"""The journal: append-only in the database, hash-chained, verified by `cnfs aidants journal verifier`."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from cnfs.aidants.enums import ActionJournal
from cnfs.aidants.models import JournalEntry
from cnfs.aidants.models.journal import GENESIS_HASH, HASHED_FIELDS, canonical_content, entry_hash
from cnfs.aidants.services import journal_append, journal_verify
from cnfs.aidants.tests.helpers import journal_guard

pytestmark = pytest.mark.django_db


def _entries(n=5):
    return [
        journal_append(action=ActionJournal.MANDAT_CREE, organisation=7, mandat=i, payload={"i": i, "é": "x\ny"})
        for i in range(n)
    ]


def test_entries_are_chained_from_the_genesis():
    entries = _entries(3)
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].previous_hash == GENESIS_HASH
    assert entries[1].previous_hash == entries[0].entry_hash
    assert entries[2].previous_hash == entries[1].entry_hash
    for entry in JournalEntry.objects.all():
        assert entry.entry_hash == entry.computed_hash()
    assert "\n" not in entries[0].payload  # canonical JSON: no newline can shift the fields


def test_database_builds_exactly_the_canonical_content():
    """journal_verify() lets the database format each row (SQLite: in SQL; PostgreSQL: COPY's output, rebuilt by
    `journal_scan`); it must give the bytes canonical_content() hashed, including a time with no fraction of a
    second, one whose fraction ends with zeros, and empty optional fields."""
    from django.utils import timezone

    from cnfs.aidants.services.journal import canonical_select_sql

    _entries(2)
    journal_append(action=ActionJournal.DEMANDE_SOUMISE)
    for seq, microsecond in ((4, 0), (5, 500_000), (6, 120)):
        moment = timezone.now().replace(microsecond=microsecond)
        previous = JournalEntry.objects.get(seq=seq - 1).entry_hash
        JournalEntry.objects.create(
            seq=seq,
            created_at=moment,
            action="mandat_cree",
            usager="u",
            previous_hash=previous,
            entry_hash=entry_hash(seq, moment, "mandat_cree", None, None, "u", "", None, "{}", previous),
        )
    sql = canonical_select_sql(connection.vendor)
    if sql is not None:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            from_db = {row[0]: row[1] for row in cursor.fetchall()}
        for values in JournalEntry.objects.values_list(*HASHED_FIELDS):
            assert from_db[values[0]].encode() == canonical_content(*values)
    report = journal_verify()
    assert report.ok and report.checked == 6


def test_python_fallback_gives_the_same_verdict(monkeypatch):
    from cnfs.aidants.services import journal as journal_module

    _entries(3)
    monkeypatch.setattr(journal_module, "canonical_select_sql", lambda vendor: None)
    assert journal_verify().ok and journal_verify().checked == 3
    _tamper("UPDATE aidants_journalentry SET demarche = 'argent' WHERE seq = 2")
    assert journal_verify().first_bad_seq == 2


def test_a_newline_inside_a_field_is_refused_then_detected():
    """One field per line: bytes could move across a line break between two fields without changing the hash.
    journal_append refuses such a field; a row forged with one (hash recomputed) is reported anyway."""
    with pytest.raises(ValueError):
        journal_append(action=ActionJournal.MANDAT_CREE, usager="a", demarche="b\nc")
    journal_append(action=ActionJournal.MANDAT_CREE, usager="a", demarche="social")
    row = JournalEntry.objects.get(seq=1)
    forged = entry_hash(1, row.created_at, row.action, None, None, "a\nsoc", "ial", None, "{}", GENESIS_HASH)
    _tamper("UPDATE aidants_journalentry SET usager = %s, demarche = %s, entry_hash = %s", ["a\nsoc", "ial", forged])
    report = journal_verify()
    assert report.first_bad_seq == 1 and "contenu" in report.reason


@pytest.mark.parametrize(
    "statement", ["UPDATE aidants_journalentry SET action = 'x'", "DELETE FROM aidants_journalentry"]
)
def test_database_refuses_update_and_delete(statement):
    _entries(2)
    with pytest.raises(DatabaseError, match="ajout seul"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert JournalEntry.objects.count() == 2
    assert JournalEntry.objects.filter(action="x").count() == 0


def test_orm_update_and_delete_are_refused_too():
    entry = _entries(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        JournalEntry.objects.filter(pk=entry.pk).update(payload="{}")
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.delete()
    assert journal_verify().ok


def test_a_forked_chain_is_refused_by_the_database():
    first = _entries(1)[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        JournalEntry.objects.create(
            seq=first.seq,
            created_at=first.created_at,
            action=first.action,
            previous_hash=GENESIS_HASH,
            entry_hash="f" * 64,
        )


def _tamper(sql, params=()):
    journal_guard(False)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    journal_guard(True)


def _verify_command():
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("aidants", "journal", "verifier", stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue() + err.getvalue()


def test_verifier_command_reports_an_intact_journal():
    _entries(4)
    code, output = _verify_command()
    assert code == 0
    assert "Journal intègre : 4 entrée(s) vérifiée(s)" in output


@pytest.mark.parametrize(
    ("sql", "params", "reason"),
    [
        ("UPDATE aidants_journalentry SET payload = %s WHERE seq = 3", ['{"i":99}'], "son contenu ne correspond plus"),
        ("UPDATE aidants_journalentry SET organisation_id = 8 WHERE seq = 3", [], "son contenu ne correspond plus"),
        (
            "UPDATE aidants_journalentry SET created_at = %s WHERE seq = 3",
            [datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)],
            "son contenu",
        ),
        ("DELETE FROM aidants_journalentry WHERE seq = 3", [], "une entrée manque"),
    ],
)
def test_verifier_names_the_first_altered_entry(sql, params, reason):
    _entries(5)
    _tamper(sql, params)
    report = journal_verify()
    assert not report.ok and report.first_bad_seq == 3 and reason in report.reason
    assert report.checked == 2
    code, output = _verify_command()
    assert code == 1
    assert "Journal ALTÉRÉ : la première entrée en cause est la n° 3" in output


def test_rehashing_a_tampered_row_still_breaks_the_next_link():
    """A forger who recomputes the altered row's hash must rewrite every later row: the next link catches it."""
    _entries(4)
    row = JournalEntry.objects.get(seq=2)
    row.payload = '{"i":42}'
    forged = row.computed_hash()
    _tamper("UPDATE aidants_journalentry SET payload = %s, entry_hash = %s WHERE seq = 2", [row.payload, forged])
    report = journal_verify()
    assert report.first_bad_seq == 3
    assert "empreinte précédente" in report.reason


def test_usager_is_stored_by_pseudonymous_id_only():
    from cnfs.aidants.tests.factories import UsagerFactory

    usager = UsagerFactory(given_names="Jeanne", family_name="Martin")
    entry = journal_append(action=ActionJournal.IDENTITE_USAGER, usager=usager)
    assert entry.usager == str(usager.uuid)
    row = " ".join(str(v) for v in JournalEntry.objects.values_list().get())
    assert "Jeanne" not in row and "Martin" not in row
