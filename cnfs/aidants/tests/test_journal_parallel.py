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
