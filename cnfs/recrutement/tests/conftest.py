import datetime
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


@pytest.fixture
def world():
    """One structure in the Loire with a pending request, a match with a CV'd candidate and a session."""
    from cnfs.core.enums import Role
    from cnfs.core.tests.factories import RoleAssignmentFactory, user_with_role
    from cnfs.recrutement.enums import StatutMiseEnRelation
    from cnfs.recrutement.tests.factories import (
        CandidatureFactory,
        ContratFactory,
        DemandePostesFactory,
        MiseEnRelationFactory,
        SessionComiteFactory,
        StructureFactory,
        commune_lyon,
        national_agent,
        prefecture_agent,
        structure_manager,
    )

    structure = StructureFactory(postes_accordes=2)
    other_structure = StructureFactory(commune=commune_lyon())
    demande = DemandePostesFactory(structure=structure)
    candidature = CandidatureFactory(with_account=True)
    RoleAssignmentFactory(candidat=True, user=candidature.user)
    candidature.cv.save("cv.pdf", pdf_upload(), save=True)
    mer = MiseEnRelationFactory(
        structure=structure, candidature=candidature, statut=StatutMiseEnRelation.PRESELECTIONNEE
    )
    finalisee = MiseEnRelationFactory(
        structure=structure, statut=StatutMiseEnRelation.FINALISEE, date_recrutement=datetime.date(2030, 2, 1)
    )
    ContratFactory(
        mise_en_relation=finalisee, date_debut=datetime.date(2030, 2, 1), date_fin=datetime.date(2032, 2, 1)
    )
    session = SessionComiteFactory()
    users = {
        "anct": national_agent(),
        "prefecture": prefecture_agent(structure.commune.departement),
        "prefecture_autre": prefecture_agent(other_structure.commune.departement),
        "hub": user_with_role(Role.HUB),
        "structure": structure_manager(structure),
        "structure_autre": structure_manager(other_structure),
        "candidat": candidature.user,
        "conseiller": user_with_role(Role.CONSEILLER),
    }
    return {
        "structure": structure,
        "other_structure": other_structure,
        "demande": demande,
        "candidature": candidature,
        "mer": mer,
        "finalisee": finalisee,
        "session": session,
        "users": users,
    }
