"""Back-office of Aidants Connect: every list and detail opens for verified staff, nothing can be changed there."""

import pytest
from django.urls import reverse

from cnfs.aidants.enums import ActionJournal
from cnfs.aidants.services import journal_append
from cnfs.aidants.tests.factories import DemandeFactory, MandatFactory, aidant_user
from cnfs.core.tests.auth import login
from cnfs.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MODELS = ["organisation", "demandehabilitation", "aidant", "mandat", "journalentry"]


@pytest.fixture
def objects():
    mandat = MandatFactory()
    aidant_user(mandat.organisation)
    DemandeFactory()
    journal_append(action=ActionJournal.MANDAT_CREE, organisation=mandat.organisation, usager=mandat.usager)
    return mandat


@pytest.mark.parametrize("model", MODELS)
def test_pages_open_and_are_read_only(client, objects, model):
    login(client, UserFactory(superuser=True))
    listing = client.get(reverse(f"admin:aidants_{model}_changelist"))
    assert listing.status_code == 200
    assert client.get(reverse(f"admin:aidants_{model}_add")).status_code == 403
    pk = listing.context["cl"].result_list[0].pk
    detail = client.get(reverse(f"admin:aidants_{model}_change", args=[pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert client.post(reverse(f"admin:aidants_{model}_delete", args=[pk]), {"post": "yes"}).status_code == 403


def test_usager_identity_is_not_shown_in_the_mandate_admin(client, objects):
    login(client, UserFactory(superuser=True))
    html = client.get(reverse("admin:aidants_mandat_change", args=[objects.pk])).content.decode()
    assert objects.usager.family_name not in html
