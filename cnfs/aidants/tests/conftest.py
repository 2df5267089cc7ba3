from cnfs.aidants.tests.helpers import purge_journal_after  # noqa: F401 — a fixture for this app's tests
