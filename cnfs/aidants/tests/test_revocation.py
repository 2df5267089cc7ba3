"""The revocation attestation PDF: after a revocation only, same organisation only, reproducible, journaled."""

import hashlib
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cnfs.aidants import services
from cnfs.aidants.enums import ActionJournal, Demarche
from cnfs.aidants.models import JournalEntry
from cnfs.aidants.tests.factories import MandatFactory, OrganisationFactory, aidant_user, responsable_user
from cnfs.core.tests.auth import login

pytestmark = pytest.mark.django_db


def test_revocation_attestation(client):
    org = OrganisationFactory()
    user = aidant_user(org)
    mandat = MandatFactory(organisation=org, demarches=[Demarche.SOCIAL, Demarche.ARGENT])
    login(client, user)
    url = reverse("aidants:revocation_pdf", args=[mandat.pk])
    assert client.get(url).status_code == 404  # not revoked yet
    assert "Attestation de révocation" not in client.get(reverse("aidants:mandat", args=[mandat.pk])).content.decode()
    services.mandat_revoke(actor=user, mandat=mandat)
    assert url in client.get(reverse("aidants:mandat", args=[mandat.pk])).content.decode()
    first, second = client.get(url), client.get(url)
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    assert first.content == second.content
    page = PdfReader(io.BytesIO(first.content)).pages[0]
    text = page.extract_text().replace("\n", "")
    entry = JournalEntry.objects.get(action=ActionJournal.MANDAT_REVOQUE, mandat_id=mandat.pk)
    assert "Attestation de révocation Aidants Connect" in text and entry.entry_hash in text
    assert "Social" in text and "Argent" in text and len(page.images) == 1
    downloads = JournalEntry.objects.filter(action=ActionJournal.REVOCATION_CONSULTEE, mandat_id=mandat.pk)
    assert downloads.count() == 2
    assert downloads.first().data == {"pdf_sha256": hashlib.sha256(first.content).hexdigest(), "revocation": entry.seq}
    # The responsable of the organisation may download it; another organisation's people may not.
    other = client.__class__()
    login(other, responsable_user(org))
    assert other.get(url).status_code == 200
    for outsider in (aidant_user(OrganisationFactory()), responsable_user(OrganisationFactory())):
        login(other, outsider)
        assert other.get(url).status_code == 404
    assert downloads.count() == 3
