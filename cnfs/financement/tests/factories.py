"""Deterministic factories of the funding app. The seeded envelopes, SMIC table and barèmes come from migration 0002
of the reference data; factories build on them or make their own."""

import datetime

import factory

from cnfs.financement.enums import Destination, Modalite, TypeFabricant
from cnfs.financement.models import Bareme, DemandeMobilier, Enveloppe, ModeleMobilier
from cnfs.recrutement.tests.factories import StructureFactory

START = datetime.date(2025, 1, 1)  # inside the seeded envelopes' period, SMIC of 1 November 2024 in force


class EnveloppeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enveloppe

    programme = "Programme de test"
    libelle = factory.Sequence(lambda n: f"Enveloppe de test {n}")
    destination = Destination.CONSEILLERS
    montant = 1_000_000_00
    date_debut = datetime.date(2020, 1, 1)
    date_fin = datetime.date(2030, 12, 31)

    class Params:
        mobilier = factory.Trait(destination=Destination.MOBILIER)


class BaremeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bareme

    libelle = factory.Sequence(lambda n: f"Barème de test {n}")
    types_structure = factory.LazyFunction(list)
    modalite = Modalite.FORFAIT
    duree_mois = 24
    montant_forfait = 50_000_00

    class Params:
        smic_100 = factory.Trait(modalite=Modalite.SMIC, taux_smic=100, duree_mois=24, montant_forfait=None)
        smic_70 = factory.Trait(modalite=Modalite.SMIC, taux_smic=70, duree_mois=36, montant_forfait=None)


class ModeleMobilierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModeleMobilier

    nom = factory.Sequence(lambda n: f"Banque d’accueil modèle {n}")
    description = "Banque d’accueil en contreplaqué, accessible en fauteuil roulant."
    cout_estime = 2_500_00


class DemandeMobilierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DemandeMobilier

    lieu = factory.SubFactory("cnfs.lieux.tests.factories.LieuFactory")
    modele = factory.SubFactory(ModeleMobilierFactory)
    enveloppe = factory.SubFactory(EnveloppeFactory, mobilier=True)
    type_fabricant = TypeFabricant.FABLAB
    nom_fabricant = "Fablab de la Loire"
    montant = 3_000_00
    devis = factory.django.FileField(filename="devis.pdf", data=b"%PDF-1.4 test")


def structure_with_quota(postes: int = 4, **kwargs):
    return StructureFactory(postes_accordes=postes, **kwargs)
