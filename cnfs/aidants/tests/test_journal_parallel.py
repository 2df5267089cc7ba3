"""The journal verifier split into slices checked by parallel workers (PostgreSQL): the same verdict, the same
first bad entry and count as the walk in one pass, including at the seams between two slices."""

import pytest
from django.db import connection, transaction

from cnfs.aidants.enums import ActionJournal
from cnfs.aidants.models import JournalEntry
from cnfs.aidants.services import journal_append, journal_verify
from cnfs.aidants.services.journal import _slices
from cnfs.aidants.tests.helpers import journal_guard

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("purge_journal_after"),
]

ENTRIES = 30


def _in_one_pass():
    with transaction.atomic():  # inside a transaction the verifier never starts workers
        return journal_verify(workers=4)


def _in_slices():
    return journal_verify(workers=2, slices=3)  # slices 1–10, 11–20, 21–30


def _unguarded(sql, params=()):
    journal_guard(False)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        journal_guard(True)


def test_slices_cover_the_chain_without_overlap():
    assert _slices(30, 3) == [(None, 10, 1), (11, 20, 11), (21, 30, 21)]
    assert _slices(7, 3) == [(None, 3, 1), (4, 6, 4), (7, 7, 7)]


def test_an_intact_journal_is_intact_in_slices():
    for i in range(ENTRIES):
        journal_append(action=ActionJournal.MANDAT_CREE, organisation=7, mandat=i, payload={"i": i, "é": "x\\y"})
    report = _in_slices()
    assert report.ok and report.checked == ENTRIES
    assert report == _in_one_pass()


@pytest.mark.parametrize(
    ("sql", "params", "bad", "reason"),
    [
        # The first entry of the second slice, altered: found by that slice, after the whole first one.
        ("UPDATE aidants_journalentry SET payload = %s WHERE seq = 11", ['{"i":99}'], 11, "son contenu"),
        # The last entry of the first slice, rehashed: the seam (the second slice's first link) breaks.
        ("UPDATE aidants_journalentry SET entry_hash = %s WHERE seq = 10", ["f" * 64], 10, "son contenu"),
        ("UPDATE aidants_journalentry SET previous_hash = %s WHERE seq = 21", ["e" * 64], 21, "empreinte précédente"),
        # Entries missing at the end of a slice, at the start of one, in the middle of the last one.
        ("DELETE FROM aidants_journalentry WHERE seq = 10", [], 10, "numéro attendu 10"),
        ("DELETE FROM aidants_journalentry WHERE seq IN (11, 12)", [], 11, "numéro attendu 11"),
        ("DELETE FROM aidants_journalentry WHERE seq = 25", [], 25, "numéro attendu 25"),
        # Two tampered slices: the first one in chain order is reported.
        ("UPDATE aidants_journalentry SET demarche = 'argent' WHERE seq IN (4, 27)", [], 4, "son contenu"),
    ],
)
def test_the_first_bad_entry_is_found_across_slices(sql, params, bad, reason):
    for i in range(ENTRIES):
        journal_append(action=ActionJournal.MANDAT_CREE, organisation=7, mandat=i, payload={"i": i})
    _unguarded(sql, params)
    report = _in_slices()
    assert not report.ok and report.first_bad_seq == bad and reason in report.reason
    assert report.checked == bad - 1
    assert report == _in_one_pass()


def test_a_rehashed_entry_breaks_the_seam():
    """A forger who recomputes the last entry of a slice must rewrite the next slice: its first link catches it."""
    for i in range(ENTRIES):
        journal_append(action=ActionJournal.MANDAT_CREE, organisation=7, mandat=i, payload={"i": i})
    row = JournalEntry.objects.get(seq=10)
    row.payload = '{"i":42}'
    _unguarded(
        "UPDATE aidants_journalentry SET payload = %s, entry_hash = %s WHERE seq = 10",
        [row.payload, row.computed_hash()],
    )
    report = _in_slices()
    assert report.first_bad_seq == 11 and "empreinte précédente" in report.reason and report.checked == 10
    assert report == _in_one_pass()


def _python_walk():
    """The verdict of the walk in one pass in Python (the verifier of other databases), as the reference."""
    from cnfs.aidants.services.journal import GENESIS_HASH, REASONS, VerificationReport, _gap

    expected_seq, expected_previous, checked = 1, GENESIS_HASH, 0
    for entry in JournalEntry.objects.order_by("seq"):
        computed = entry.computed_hash()
        if entry.seq != expected_seq:
            return VerificationReport(checked, min(entry.seq, expected_seq), _gap(expected_seq))
        if entry.previous_hash != expected_previous:
            return VerificationReport(checked, entry.seq, REASONS["precedente"])
        newlines = sum(text.count("\n") for text in (entry.action, entry.usager, entry.demarche, entry.payload))
        if computed != entry.entry_hash or newlines:
            return VerificationReport(checked, entry.seq, REASONS["contenu"])
        expected_seq, expected_previous, checked = expected_seq + 1, entry.entry_hash, checked + 1
    return VerificationReport(checked)


@pytest.mark.parametrize(
    ("statements", "bad", "reason"),
    [
        # PostgreSQL checks the links and the contents of a slice in two passes: the lower entry is reported,
        # whichever pass finds it, as the walk in one pass would.
        (["UPDATE aidants_journalentry SET demarche = 'argent' WHERE seq = 13", "DELETE FROM aidants_journalentry "
          "WHERE seq = 16"], 13, "son contenu"),
        (["DELETE FROM aidants_journalentry WHERE seq = 13", "UPDATE aidants_journalentry SET demarche = 'argent' "
          "WHERE seq = 16"], 13, "numéro attendu 13"),
        # Both rules broken on one entry (its previous hash is also part of its content): the link is reported.
        ([f"UPDATE aidants_journalentry SET previous_hash = '{'e' * 64}' WHERE seq = 14"], 14, "précédente"),
    ],
)  # fmt: skip
def test_the_lower_of_a_broken_link_and_a_bad_content_is_reported(statements, bad, reason):
    for i in range(ENTRIES):
        journal_append(action=ActionJournal.MANDAT_CREE, organisation=7, mandat=i, payload={"i": i})
    for statement in statements:
        _unguarded(statement)
    report = _in_slices()
    assert not report.ok and report.first_bad_seq == bad and reason in report.reason and report.checked == bad - 1
    assert report == _in_one_pass() == _python_walk()
