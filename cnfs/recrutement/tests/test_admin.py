"""Back-office of the recruitment: every page opens for verified staff, audit-bearing rows stay read-only."""

import datetime

import pytest
from django.urls import reverse

from cnfs.core.tests.auth import login
from cnfs.core.tests.factories import UserFactory
from cnfs.recrutement.models import AvenantPostes, AvisPrefet, MiseEnRelation, Rupture, Structure
from cnfs.recrutement.tests.factories import (
    CandidatureFactory,
    ContratFactory,
    DecisionComiteFactory,
    MiseEnRelationFactory,
    StructureFactory,
    national_agent,
)

pytestmark = pytest.mark.django_db

MODELS = [
    "structure",
    "demandepostes",
    "avenantpostes",
    "avisprefet",
    "sessioncomite",
    "decisioncomite",
    "candidature",
    "miseenrelation",
    "contrat",
    "rupture",
]
READ_ONLY = ["avisprefet", "decisioncomite", "miseenrelation", "contrat", "rupture", "avenantpostes"]


@pytest.fixture
def staff(client):
    user = UserFactory(staff=True)
    user.is_superuser = True
    user.save()
    login(client, user)
    return user


@pytest.fixture
def rows():
    decision = DecisionComiteFactory()
    AvisPrefet.objects.create(demande=decision.demande, avis="favorable", commentaire="Territoire peu couvert.")
    mer = MiseEnRelationFactory(
        structure=StructureFactory(postes_accordes=1, postes_occupes=1),
        candidature=CandidatureFactory(pix_palier=2),
        statut="finalisee",
        date_recrutement=datetime.date(2030, 2, 1),
    )
    ContratFactory(mise_en_relation=mer)
    AvenantPostes.objects.create(structure=mer.structure, type="ajout", nombre_postes=1, motif="besoin_supplementaire")
    Rupture.objects.create(mise_en_relation=mer, date_rupture=datetime.date(2030, 6, 1), motif="demission")
    return {"mer": mer, "decision": decision}


def test_every_changelist_and_change_page_opens_in_french(client, staff, rows):
    for model in MODELS:
        response = client.get(reverse(f"admin:recrutement_{model}_changelist"))
        assert response.status_code == 200, model
        obj = response.context["cl"].result_list[0]
        page = client.get(reverse(f"admin:recrutement_{model}_change", args=[obj.pk]))
        assert page.status_code == 200, model
    html = client.get(reverse("admin:index")).content.decode()
    assert "Recrutement des conseillers numériques" in html and "Structures d’accueil" in html


@pytest.mark.parametrize("model", READ_ONLY)
def test_audit_bearing_rows_cannot_be_added_changed_or_deleted(client, staff, rows, model):
    assert client.get(reverse(f"admin:recrutement_{model}_add")).status_code == 403
    changelist = client.get(reverse(f"admin:recrutement_{model}_changelist"))
    obj = changelist.context["cl"].result_list[0]
    assert client.post(reverse(f"admin:recrutement_{model}_delete", args=[obj.pk]), {"post": "yes"}).status_code == 403


def test_match_status_cannot_be_changed_from_the_back_office(client, staff, rows):
    mer = rows["mer"]
    response = client.post(reverse("admin:recrutement_miseenrelation_change", args=[mer.pk]), {"statut": "nouvelle"})
    assert response.status_code == 403
    mer.refresh_from_db()
    assert mer.statut == "finalisee"


def test_structure_quota_is_read_only(client, staff, rows):
    structure = rows["mer"].structure
    page = client.get(reverse("admin:recrutement_structure_change", args=[structure.pk]))
    assert "postes_accordes" not in page.context["adminform"].form.fields
    assert "qpv" in page.context["adminform"].form.fields


def test_national_agent_without_staff_flag_is_refused(client, rows):
    login(client, national_agent())
    response = client.get(reverse("admin:recrutement_structure_changelist"))
    assert response.status_code == 302 and MiseEnRelation.objects.count() == 1 and Structure.objects.count() == 2
