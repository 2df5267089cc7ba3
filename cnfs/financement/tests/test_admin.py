"""Back-office of the money: lists open for verified staff, totals never typed, amounts never below committed."""

import pytest
from django.urls import reverse

from cnfs.core.tests.auth import login
from cnfs.core.tests.factories import UserFactory
from cnfs.financement.models import Enveloppe

pytestmark = pytest.mark.django_db

CHANGELISTS = ["enveloppe", "smic", "bareme", "convention", "liberation", "modelemobilier", "demandemobilier"]


@pytest.fixture
def admin_client(client):
    login(client, UserFactory(superuser=True))
    return client


def test_every_changelist_opens(admin_client):
    statuses = {n: admin_client.get(reverse(f"admin:financement_{n}_changelist")).status_code for n in CHANGELISTS}
    assert statuses == dict.fromkeys(CHANGELISTS, 200)


def test_envelope_amount_below_committed_is_refused_in_french(admin_client):
    enveloppe = Enveloppe.objects.get(destination="mobilier")
    Enveloppe.objects.filter(pk=enveloppe.pk).update(engage=1_000_00)
    url = reverse("admin:financement_enveloppe_change", args=[enveloppe.pk])
    data = {
        "programme": enveloppe.programme,
        "libelle": enveloppe.libelle,
        "destination": enveloppe.destination,
        "montant": 999_99,
        "date_debut": enveloppe.date_debut.isoformat(),
        "date_fin": enveloppe.date_fin.isoformat(),
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "sous ce qui est déjà engagé" in response.content.decode()
    assert Enveloppe.objects.get(pk=enveloppe.pk).montant == 40_000_000_00
    response = admin_client.post(url, {**data, "montant": 45_000_000_00})
    assert response.status_code == 302
    assert Enveloppe.objects.get(pk=enveloppe.pk).montant == 45_000_000_00


def test_conventions_are_read_only_in_the_admin(admin_client):
    assert admin_client.get(reverse("admin:financement_convention_add")).status_code == 403


def test_plans_uploaded_in_the_admin_are_checked_by_content(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cnfs.financement.models import ModeleMobilier
    from cnfs.financement.tests.conftest import pdf_bytes

    url = reverse("admin:financement_modelemobilier_add")
    data = {"nom": "Borne", "description": "Borne d’accueil.", "cout_estime": 100_000, "actif": "on"}
    response = admin_client.post(url, {**data, "plans": SimpleUploadedFile("plans.pdf", b"<html>pas un PDF</html>")})
    assert response.status_code == 200
    assert "Le fichier des plans doit être un fichier PDF" in response.content.decode()
    assert not ModeleMobilier.objects.exists()
    response = admin_client.post(url, {**data, "plans": SimpleUploadedFile("plans.pdf", pdf_bytes())})
    assert response.status_code == 302
    assert ModeleMobilier.objects.get().plans.name.startswith("mobilier/plans/")
