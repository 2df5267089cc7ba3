import pytest
from django.urls import reverse

from cnfs.core.tests.auth import login
from cnfs.core.tests.factories import UserFactory
from cnfs.formation.models import Inscription
from cnfs.formation.tests.factories import InscriptionFactory, SessionFormationFactory

pytestmark = pytest.mark.django_db

MODELS = ["organismeformation", "moduleformation", "sessionformation", "inscription", "passagebloc", "demandevae"]


def test_back_office_lists_everything_and_keeps_records_read_only(client):
    inscription = InscriptionFactory()
    SessionFormationFactory()
    login(client, UserFactory(superuser=True))
    for name in MODELS:
        assert client.get(reverse(f"admin:formation_{name}_changelist")).status_code == 200, name
    assert client.get(reverse("admin:formation_moduleformation_add")).status_code == 200
    assert client.get(reverse("admin:formation_inscription_add")).status_code == 403
    change = reverse("admin:formation_inscription_change", args=[inscription.pk])
    assert client.post(change, {"heures_realisees": "70"}).status_code == 403
    assert Inscription.objects.get(pk=inscription.pk).heures_realisees == 0
