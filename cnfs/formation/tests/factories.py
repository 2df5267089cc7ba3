"""Deterministic factories of the training app, and a recruited advisor built the way recruitment leaves one."""

import datetime

import factory

from cnfs.core.enums import Role, ScopeType
from cnfs.core.tests.factories import RoleAssignmentFactory
from cnfs.formation.catalogue import ensure_catalogue
from cnfs.formation.models import Inscription, ModuleFormation, OrganismeFormation, SessionFormation
from cnfs.recrutement.enums import EtapeConseiller, StatutMiseEnRelation
from cnfs.recrutement.tests.factories import (
    TODAY,
    CandidatureFactory,
    ContratFactory,
    MiseEnRelationFactory,
    StructureFactory,
)


class OrganismeFormationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganismeFormation

    nom = factory.Sequence(lambda n: f"Organisme de formation n° {n}")
    email = factory.Sequence(lambda n: f"contact{n}@formation.example.fr")


class SessionFormationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionFormation

    organisme = factory.SubFactory(OrganismeFormationFactory)
    module = factory.LazyFunction(lambda: module("fi-socle"))
    date_debut = TODAY
    date_fin = TODAY + datetime.timedelta(days=28)
    lieu = "Saint-Étienne"
    places = 12


class InscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inscription

    candidature = factory.SubFactory(CandidatureFactory, etape=EtapeConseiller.RECRUTE)
    module = factory.LazyFunction(lambda: module("fi-socle"))
    organisme = factory.SubFactory(OrganismeFormationFactory)
    heures_prevues = factory.LazyAttribute(lambda o: o.module.duree_heures)
    date_debut = TODAY


def module(code: str) -> ModuleFormation:
    """A module of the seeded catalogue (recreated first if a transactional test flushed the database)."""
    ensure_catalogue()
    return ModuleFormation.objects.get(code=code)


def organisme_agent(organisme, **kwargs):
    """A user holding the role `formation` on `organisme` (object_id = str(pk))."""
    return RoleAssignmentFactory(
        role=Role.FORMATION, scope_type=ScopeType.ORGANISATION, object_id=str(organisme.pk), **kwargs
    ).user


def recruited_advisor(
    *,
    structure=None,
    contrat_debut: datetime.date | None = TODAY,
    contrat_type: str = "cdd",
    mer_statut: str = StatutMiseEnRelation.FINALISEE,
    etape: str = EtapeConseiller.RECRUTE,
    with_account: bool = False,
    **candidature_kwargs,
):
    """A candidature recruited by `structure` with a validated contract from `contrat_debut` (None: no contract)."""
    candidature = CandidatureFactory(etape=etape, with_account=with_account, **candidature_kwargs)
    mer = MiseEnRelationFactory(
        structure=structure or StructureFactory(),
        candidature=candidature,
        statut=mer_statut,
        date_recrutement=contrat_debut or TODAY,
    )
    if contrat_debut is not None:
        if contrat_type == "cdi":
            ContratFactory(mise_en_relation=mer, type="cdi", date_debut=contrat_debut, date_fin=None)
        else:
            ContratFactory(
                mise_en_relation=mer,
                type=contrat_type,
                date_debut=contrat_debut,
                date_fin=contrat_debut + datetime.timedelta(days=730),
            )
    return candidature
