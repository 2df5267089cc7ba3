"""Test helpers: lifting the journal guard (tampering tests) and emptying the journal after transactional tests."""

import pytest
from django.db import connection


def journal_guard(enable: bool) -> None:
    """Drop or recreate the journal's append-only triggers (the SQL of the migration that created them)."""
    import importlib

    migration = importlib.import_module("cnfs.aidants.migrations.0001_initial")
    statements = (migration.JOURNAL_GUARD_SQL if enable else migration.JOURNAL_UNGUARD_SQL)[connection.vendor]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


@pytest.fixture
def purge_journal_after():
    """For transactional tests: the flush between tests cannot delete journal rows (that is the point), so empty
    the journal with its triggers lifted, then put them back."""
    yield
    from cnfs.aidants.models import JournalEntry

    journal_guard(False)
    try:
        JournalEntry.objects.all().delete()
    finally:
        journal_guard(True)
