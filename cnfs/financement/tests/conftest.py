import pytest

from cnfs.recrutement.tests.conftest import nothing_written, pdf_bytes, pdf_upload  # noqa: F401 — shared helpers


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    """Quotes and plans of a test go to a throw-away folder, never to var/private."""
    settings.PRIVATE_ROOT = tmp_path / "private"
    return settings.PRIVATE_ROOT
