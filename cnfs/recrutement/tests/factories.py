"""Deterministic factories of the recruitment chain."""

import datetime

import factory

from cnfs.core.enums import Role, ScopeType
from cnfs.core.tests.factories import RoleAssignmentFactory, UserFactory
from cnfs.recrutement.enums import StatutDemande, TypeStructure
from cnfs.recrutement.models import (
    Candidature,
    Contrat,
    DecisionComite,
    DemandePostes,
    MiseEnRelation,
    SessionComite,
    Structure,
)
from cnfs.recrutement.validators import luhn_valid
from cnfs.territoires.tests.factories import CommuneFactory, DepartementFactory, RegionFactory

TODAY = datetime.date(2030, 1, 15)  # tests pass `today` explicitly where dates matter


def with_luhn_key(prefix: str) -> str:
    """`prefix` followed by the one digit that makes the whole number pass the Luhn check."""
    for digit in "0123456789":
        if luhn_valid(prefix + digit):
            return prefix + digit
    raise AssertionError("unreachable")


def make_siret(n: int) -> str:
    siren = with_luhn_key(f"{21000000 + n:08d}")
    return with_luhn_key(f"{siren}{n % 10000:04d}")


def commune_lyon():
    dep = DepartementFactory(code="69", nom="Rhône", region=RegionFactory())
    return CommuneFactory(
        code="69123",
        nom="Lyon",
        search_name="lyon",
        departement=dep,
        population=522250,
        latitude=45.7578,
        longitude=4.8320,
        codes_postaux=["69001"],
        codes_postaux_text="69001",
    )


def commune_roanne():
    return CommuneFactory(
        code="42187",
        nom="Roanne",
        search_name="roanne",
        population=34000,
        latitude=46.0367,
        longitude=4.0679,
        codes_postaux=["42300"],
        codes_postaux_text="42300",
    )


def commune_outre_mer(code_dep: str, code: str, nom: str, lat: float, lon: float):
    region = RegionFactory(code=f"0{code_dep[-1]}", nom=f"Région {code_dep}")
    dep = DepartementFactory(code=code_dep, nom=f"Département {code_dep}", region=region)
    return CommuneFactory(
        code=code,
        nom=nom,
        search_name=nom.lower(),
        departement=dep,
        region=region,
        population=10000,
        latitude=lat,
        longitude=lon,
        codes_postaux=[code],
        codes_postaux_text=code,
    )


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure

    siret = factory.Sequence(make_siret)
    type = TypeStructure.COMMUNE
    nom = factory.Sequence(lambda n: f"Mairie numéro {n}")
    adresse = factory.Sequence(lambda n: f"{n} place de l’Hôtel de Ville")
    commune = factory.SubFactory(CommuneFactory)
    contact_prenom = "Camille"
    contact_nom = "Martin"
    contact_fonction = "Directrice générale des services"
    contact_email = factory.Sequence(lambda n: f"contact{n}@mairie.example.fr")
    contact_telephone = "0477000000"
    postes_accordes = 0


class DemandePostesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DemandePostes

    structure = factory.SubFactory(StructureFactory)
    nombre_postes = 2
    date_debut_souhaitee = TODAY + datetime.timedelta(days=30)
    motivation = "Accompagner les habitants éloignés du numérique dans leurs démarches."
    engagement = True
    statut = StatutDemande.DEPOSEE
    deposee_le = factory.LazyFunction(lambda: datetime.datetime(2030, 1, 10, 9, tzinfo=datetime.UTC))


class SessionComiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionComite

    numero = factory.Sequence(lambda n: n + 1)
    date = TODAY


class DecisionComiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DecisionComite

    session = factory.SubFactory(SessionComiteFactory)
    demande = factory.SubFactory(DemandePostesFactory)
    decision = "validee"
    postes_demandes = factory.LazyAttribute(lambda o: o.demande.nombre_postes)
    postes_accordes = factory.LazyAttribute(lambda o: o.demande.nombre_postes)


class CandidatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidature

    user = None
    prenom = factory.Sequence(lambda n: f"Alex{n}")
    nom = factory.Sequence(lambda n: f"Dupont{n}")
    email = factory.Sequence(lambda n: f"candidat{n}@exemple.fr")
    date_naissance = datetime.date(1990, 5, 17)
    code_postal = "42000"
    commune = factory.SubFactory(CommuneFactory)
    demandeur_emploi = True
    date_disponibilite = TODAY
    distance_max = 20
    motivation = "J’aime aider les autres à utiliser le numérique."

    class Params:
        with_account = factory.Trait(user=factory.SubFactory(UserFactory, email=factory.SelfAttribute("..email")))


class MiseEnRelationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MiseEnRelation

    structure = factory.SubFactory(StructureFactory)
    candidature = factory.SubFactory(CandidatureFactory)
    distance_km = 0.0


class ContratFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contrat

    mise_en_relation = factory.SubFactory(MiseEnRelationFactory)
    type = "cdd"
    date_debut = TODAY
    date_fin = TODAY + datetime.timedelta(days=730)
    heures_hebdomadaires = 35


def structure_manager(structure, **kwargs):
    """A user holding the role `structure` on `structure` (object_id = str(pk))."""
    return RoleAssignmentFactory(
        role=Role.STRUCTURE, scope_type=ScopeType.STRUCTURE, object_id=str(structure.pk), **kwargs
    ).user


def prefecture_agent(departement, **kwargs):
    return RoleAssignmentFactory(prefecture=True, departement=departement, **kwargs).user


def national_agent(**kwargs):
    return RoleAssignmentFactory(**kwargs).user
