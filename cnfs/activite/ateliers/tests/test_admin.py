"""Back-office pages of ateliers and bookings: readable by staff, read-only, without contact details."""

import pytest
from django.urls import reverse

from cnfs.activite.ateliers.tests.factories import RendezVousFactory, ReservationFactory
from cnfs.core.tests.auth import login
from cnfs.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MODELS = ["atelier", "reservation", "permanence", "creneau", "rendezvous"]


@pytest.fixture
def staff_client(client):
    login(client, UserFactory(superuser=True))
    return client


def test_changelists_and_pages_without_contacts(staff_client):
    reservation = ReservationFactory(email="secret@exemple.fr")
    rendezvous = RendezVousFactory(email="cache@exemple.fr")
    for model in MODELS:
        response = staff_client.get(reverse(f"admin:activite_{model}_changelist"))
        assert response.status_code == 200, model
        assert staff_client.get(reverse(f"admin:activite_{model}_add")).status_code == 403, model
    for model, obj in (("reservation", reservation), ("rendezvous", rendezvous)):
        page = staff_client.get(reverse(f"admin:activite_{model}_change", args=[obj.pk]))
        assert page.status_code == 200
        assert obj.email not in page.content.decode()
