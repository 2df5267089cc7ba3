"""Deterministic factories and builders of the pass numérique's tests."""

from __future__ import annotations

import datetime

import factory

from cnfs.core.enums import Role, ScopeType
from cnfs.core.models import RoleAssignment
from cnfs.core.tests.factories import UserFactory, user_with_role
from cnfs.lieux.tests.factories import LieuFactory
from cnfs.passnum import services
from cnfs.passnum.enums import ServicePass, StatutQualification, TypeCommanditaire, TypeDistributeur
from cnfs.passnum.models import Commanditaire, Distributeur, EnveloppeEtat, LieuQualifie
from cnfs.recrutement.validators import luhn_valid
from cnfs.territoires.tests.factories import CommuneFactory, DepartementFactory, RegionFactory

TODAY = datetime.date(2026, 6, 15)


def valid_siret(n: int) -> str:
    def keyed(prefix: str) -> str:
        return next(prefix + d for d in "0123456789" if luhn_valid(prefix + d))

    return keyed(keyed(f"{85000000 + n:08d}") + f"{n:04d}")


def valid_iban(n: int) -> str:
    bban = f"3000600001{n:011d}00"
    return f"FR{98 - int(bban + '152700') % 97:02d}{bban}"


def lyon():
    """A commune of another département (Rhône, 69), same région."""
    return CommuneFactory(
        code="69123",
        nom="Lyon",
        search_name="lyon",
        departement=DepartementFactory(code="69", nom="Rhône"),
        latitude=45.76,
        longitude=4.84,
        codes_postaux=["69001"],
    )


def paris():
    """A commune of another région (Île-de-France)."""
    return CommuneFactory(
        code="75056",
        nom="Paris",
        search_name="paris",
        departement=DepartementFactory(code="75", nom="Paris", region=RegionFactory(code="11", nom="Île-de-France")),
        latitude=48.85,
        longitude=2.35,
        codes_postaux=["75001"],
    )


class CommanditaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commanditaire

    nom = factory.Sequence(lambda n: f"Département n° {n}")
    type = TypeCommanditaire.DEPARTEMENT
    siret = factory.Sequence(lambda n: valid_siret(n + 1))


class DistributeurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Distributeur

    nom = factory.Sequence(lambda n: f"CAF n° {n}")
    type = TypeDistributeur.CAF
    departement = factory.SubFactory(DepartementFactory)


class EnveloppeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnveloppeEtat

    annee = TODAY.year
    libelle = factory.Sequence(lambda n: f"Enveloppe n° {n}")
    region = None
    montant = 1_000_000  # 10 000 €


class LieuQualifieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LieuQualifie

    lieu = factory.SubFactory(LieuFactory)
    siret = factory.Sequence(lambda n: valid_siret(5000 + n))
    services = factory.LazyFunction(lambda: [ServicePass.PREMIERS_PAS.value])
    iban = factory.Sequence(lambda n: valid_iban(n + 1))
    bic = "AGRIFRPP"
    titulaire_compte = "Association Numérique Pour Tous"
    statut = StatutQualification.QUALIFIEE


def member(role: str, object_id, user=None):
    """A user (new unless given) holding `role` on the organisation `object_id`."""
    user = user or UserFactory()
    RoleAssignment.objects.create(user=user, role=role, scope_type=ScopeType.ORGANISATION, object_id=str(object_id))
    return user


def commande(actor, commanditaire, *, codes=("42",), kind="departements", nb_carnets=2, per=5, **kwargs):
    """An order created (and by default issued) through the services."""
    issue = kwargs.pop("issue", True)
    kwargs.setdefault("date_debut_validite", datetime.date(TODAY.year, 1, 1))
    made = services.commande_create(
        actor=actor,
        commanditaire=commanditaire,
        libelle=kwargs.pop("libelle", "Commande de test"),
        territoire_type=kind,
        territoire_codes=list(codes),
        publics=kwargs.pop("publics", ["seniors"]),
        nb_carnets=nb_carnets,
        cheques_par_carnet=per,
        **kwargs,
    )
    if issue:
        made = services.commande_emettre(actor=actor, commande=made)
    return made


def build_world() -> dict:
    """A buyer of the Loire with an issued order (D:42, 2 booklets of 5), a distributor holding both booklets, a
    qualified place in Saint-Étienne, one in Lyon (out of territory), a place not qualified, and their accounts."""
    etienne = CommuneFactory()
    lyon_ = lyon()
    buyer = CommanditaireFactory()
    distributeur = DistributeurFactory()
    users = {
        "anct": user_with_role(Role.ANCT),
        "structure": user_with_role(Role.STRUCTURE),
        "commanditaire": member(Role.COMMANDITAIRE, buyer.pk),
        "commanditaire_autre": member(Role.COMMANDITAIRE, CommanditaireFactory().pk),
        "distributeur": member(Role.DISTRIBUTEUR, distributeur.pk),
        "distributeur_autre": member(Role.DISTRIBUTEUR, DistributeurFactory().pk),
    }
    enveloppe = EnveloppeFactory()
    order = commande(users["commanditaire"], buyer, taux_etat=50, enveloppe=enveloppe)
    services.carnets_attribuer(actor=users["commanditaire"], commande=order, distributeur=distributeur, nombre=2)
    place = LieuQualifieFactory(lieu=LieuFactory(commune=etienne))
    place_lyon = LieuQualifieFactory(lieu=LieuFactory(commune=lyon_))
    unqualified = LieuFactory(commune=etienne)
    users["lieu"] = member(Role.LIEU_PASS, place.lieu_id)
    users["lieu_lyon"] = member(Role.LIEU_PASS, place_lyon.lieu_id)
    users["lieu_non_qualifie"] = member(Role.LIEU_PASS, unqualified.pk)
    return {
        "buyer": buyer,
        "distributeur": distributeur,
        "enveloppe": enveloppe,
        "commande": order,
        "place": place,
        "place_lyon": place_lyon,
        "unqualified": unqualified,
        "users": users,
        "codes": list(order.cheques.order_by("id").values_list("code", flat=True)),
    }
