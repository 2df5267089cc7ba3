"""The Aidants Connect demo step: the demo organisation is real, the demo accounts point at it, reruns idempotent."""

import pytest

from cnfs.aidants import permissions, services
from cnfs.aidants.models import Aidant, DemandeHabilitation, JournalEntry, Mandat, Organisation, Usager
from cnfs.core.models import RoleAssignment
from cnfs.demo import run_demo
from cnfs.lieux.tests.communes import load_communes

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "orgs": list(Organisation.objects.values_list("pk", "siret", "nom", "demarches_autorisees")),
        "usagers": list(Usager.objects.order_by("pk").values_list("pk", "sub_hash", "given_names", "family_name")),
        "mandats": list(Mandat.objects.order_by("pk").values_list("pk", "usager_id", "duree")),
        "demandes": list(DemandeHabilitation.objects.values_list("pk", "statut")),
        "roles": list(RoleAssignment.objects.order_by("pk").values_list("user__email", "role", "object_id")),
        "journal": JournalEntry.objects.count(),
    }


def test_demo_aidants_is_wired_and_idempotent():
    load_communes(["42", "69"])
    result = run_demo(scale="small", seed=7)
    accounts = result.context.accounts
    organisation = Organisation.objects.get(pk=int(result.context.organisations["aidants"]))
    for key in ("aidant", "responsable"):
        assert accounts[key].role_assignments.get().object_id == str(organisation.pk)
    aidant = Aidant.objects.get(user=accounts["aidant"])
    assert permissions.current_aidant(accounts["aidant"]) == aidant
    assert organisation.pk in permissions.responsable_organisation_ids(accounts["responsable"])
    assert Mandat.objects.active().filter(organisation=organisation).count() == 6
    assert DemandeHabilitation.objects.filter(statut="soumise").count() == 1
    mandat = Mandat.objects.active().filter(organisation=organisation).first()
    demarche = mandat.autorisations.first().demarche
    assert services.aidant_can_act(accounts["aidant"], mandat.usager, demarche)
    assert services.journal_verify().ok

    first = snapshot()
    again = run_demo(scale="small", seed=7)
    assert snapshot() == first
    assert again.context.organisations["aidants"] == str(organisation.pk)
