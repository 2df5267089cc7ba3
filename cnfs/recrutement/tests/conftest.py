import io
from contextlib import contextmanager

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from cnfs.core.models import AuditEvent


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    """CV files of a test go to a throw-away folder, never to var/private."""
    settings.PRIVATE_ROOT = tmp_path / "private"
    return settings.PRIVATE_ROOT


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(name: str = "cv.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes() if content is None else content, content_type="application/pdf")


@contextmanager
def nothing_written(*models):
    """Assert that the block writes no row in `models` nor in the audit log."""
    tracked = (AuditEvent, *models)
    before = {m: m.objects.count() for m in tracked}
    yield
    after = {m: m.objects.count() for m in tracked}
    assert after == before, f"écritures inattendues : {before} → {after}"
