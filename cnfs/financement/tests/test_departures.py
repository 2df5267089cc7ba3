"""A validated departure in recruitment frees money in funding, through the `post_save` hook on `Rupture`."""

import datetime

import pytest

from cnfs.financement import services
from cnfs.financement.models import Enveloppe, Liberation
from cnfs.financement.tests.factories import BaremeFactory, EnveloppeFactory, structure_with_quota
from cnfs.financement.verification import verify
from cnfs.recrutement import services as recrutement_services
from cnfs.recrutement.enums import StatutMiseEnRelation
from cnfs.recrutement.tests.factories import (
    ContratFactory,
    MiseEnRelationFactory,
    national_agent,
    structure_manager,
)

pytestmark = pytest.mark.django_db

START = datetime.date(2025, 1, 1)


@pytest.fixture
def signed():
    anct = national_agent()
    structure = structure_with_quota(2)
    enveloppe = EnveloppeFactory()
    convention = services.convention_create(
        actor=anct, structure=structure, bareme=BaremeFactory(), nombre_postes=2, date_debut=START, enveloppe=enveloppe
    )
    services.convention_sign(actor=anct, convention=convention, date_signature=START)
    mer = MiseEnRelationFactory(
        structure=structure, statut=StatutMiseEnRelation.FINALISEE, date_recrutement=datetime.date(2025, 3, 1)
    )
    ContratFactory(mise_en_relation=mer, date_debut=datetime.date(2025, 3, 1), date_fin=datetime.date(2027, 3, 1))
    return {"anct": anct, "structure": structure, "convention": convention, "enveloppe": enveloppe, "mer": mer}


def test_rupture_validation_frees_the_unused_months(signed):
    rupture = recrutement_services.rupture_declare(
        actor=structure_manager(signed["structure"]),
        mer=signed["mer"],
        date_rupture=datetime.date(2026, 3, 1),
        motif="demission",
    )
    # Declared only: nothing freed yet.
    assert not Liberation.objects.exists()
    recrutement_services.rupture_validate(actor=signed["anct"], rupture=rupture)
    liberation = Liberation.objects.get()
    # From the advisor's start (1 March 2025) to the departure (1 March 2026): 12 of 24 months used.
    assert liberation.rupture == rupture and liberation.mois_utilises == 12
    assert liberation.montant == 25_000_00
    signed["enveloppe"].refresh_from_db()
    assert signed["enveloppe"].engage == 100_000_00 - 25_000_00
    assert verify().ok


def test_saving_the_rupture_again_frees_nothing_more(signed):
    rupture = recrutement_services.rupture_declare(
        actor=structure_manager(signed["structure"]),
        mer=signed["mer"],
        date_rupture=datetime.date(2026, 3, 1),
        motif="demission",
    )
    recrutement_services.rupture_validate(actor=signed["anct"], rupture=rupture)
    rupture.refresh_from_db()
    rupture.save()
    assert Liberation.objects.count() == 1
    assert Enveloppe.objects.get(pk=signed["enveloppe"].pk).engage == 75_000_00


def test_money_already_paid_is_not_taken_back(signed):
    convention = signed["convention"]
    for versement in convention.versements.order_by("numero"):
        services.versement_mandate(actor=signed["anct"], versement=versement, date=START)
        services.versement_pay(actor=signed["anct"], versement=versement, date=START)
    freed = services.convention_release_on_departure(
        structure=signed["structure"], date_depart=datetime.date(2025, 4, 1), date_prise_poste=START
    )
    assert freed == 0
    assert verify().ok
