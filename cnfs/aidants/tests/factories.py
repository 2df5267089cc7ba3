"""Deterministic factories of Aidants Connect, and helpers giving people their roles."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from cnfs.aidants.enums import Demarche, DureeMandat, StatutAidant, TypeOrganisation, mandat_end
from cnfs.aidants.models import Aidant, Autorisation, DemandeHabilitation, Mandat, Organisation, Usager
from cnfs.aidants.services.mandats import sub_hash
from cnfs.core.enums import Role, ScopeType
from cnfs.core.models import RoleAssignment
from cnfs.core.tests.factories import UserFactory
from cnfs.recrutement.validators import luhn_valid

ALL_DEMARCHES = list(Demarche.values)


def valid_siret(n: int) -> str:
    """A SIRET with correct Luhn keys (SIREN key, then SIRET key)."""

    def keyed(prefix: str) -> str:
        return next(prefix + d for d in "0123456789" if luhn_valid(prefix + d))

    return keyed(keyed(f"{52000000 + n:08d}") + f"{n % 10000:04d}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    nom = factory.Sequence(lambda n: f"Maison France Services n° {n}")
    siret = factory.Sequence(valid_siret)
    type = TypeOrganisation.FRANCE_SERVICES
    departement = "42"
    demarches_autorisees = factory.LazyFunction(lambda: [d for d in ALL_DEMARCHES if d != Demarche.JUSTICE])


class UsagerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Usager

    sub_hash = factory.Sequence(lambda n: sub_hash(f"sub-test-{n}"))
    given_names = factory.Sequence(lambda n: f"Prénom{n}")
    family_name = factory.Sequence(lambda n: f"Usager{n}")
    birthdate = datetime.date(1950, 3, 14)


class MandatFactory(factory.django.DjangoModelFactory):
    """An active mandate of 6 months; `demarches` creates its authorisations."""

    class Meta:
        model = Mandat
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    usager = factory.SubFactory(UsagerFactory)
    duree = DureeMandat.SIX_MOIS
    debut = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    fin = factory.LazyAttribute(lambda o: mandat_end(o.debut, o.duree))
    consentement_version = "2026-12"
    cree_par = factory.SubFactory(UserFactory)

    class Params:
        expire = factory.Trait(
            debut=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=40)),
            duree=DureeMandat.MOIS,
        )

    @factory.post_generation
    def demarches(obj, create, extracted, **kwargs):
        if create:
            for demarche in extracted or [Demarche.SOCIAL]:
                Autorisation.objects.create(mandat=obj, demarche=demarche)


class DemandeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DemandeHabilitation

    nom = factory.Sequence(lambda n: f"CCAS de Ville{n}")
    siret = factory.Sequence(lambda n: valid_siret(5000 + n))
    type = TypeOrganisation.CCAS
    departement = "42"
    adresse = "1 place de la Mairie, 42000 Saint-Étienne"
    demarches = factory.LazyFunction(lambda: [Demarche.SOCIAL, Demarche.LOGEMENT])
    demandeur_prenom = "Alix"
    demandeur_nom = "Demandeur"
    demandeur_email = factory.Sequence(lambda n: f"demandeur{n}@exemple.fr")
    demandeur_fonction = "Directrice"
    responsable_prenom = "Rémi"
    responsable_nom = "Responsable"
    responsable_email = factory.Sequence(lambda n: f"responsable{n}@exemple.fr")
    responsable_telephone = "0477000000"
    aidants_prevus = factory.Sequence(lambda n: [{"prenom": "Ada", "nom": "Aidante", "email": f"ada{n}@exemple.fr"}])
    cgu_acceptees = True
    protection_donnees = True
    email_confirme_le = factory.LazyFunction(timezone.now)


def aidant_user(organisation: Organisation | None = None, *, statut: str = StatutAidant.HABILITE, **user_fields):
    """A user who is an aidant of `organisation` (habilitated by default) with the matching role."""
    organisation = organisation or OrganisationFactory()
    user = UserFactory(**user_fields)
    Aidant.objects.create(
        user=user,
        organisation=organisation,
        statut=statut,
        formation_date=datetime.date(2026, 1, 5),
        test_reussi=True,
        validated_at=timezone.now() if statut == StatutAidant.HABILITE else None,
    )
    RoleAssignment.objects.create(
        user=user, role=Role.AIDANT, scope_type=ScopeType.ORGANISATION, object_id=str(organisation.pk)
    )
    return user


def responsable_user(organisation: Organisation, **user_fields):
    user = UserFactory(**user_fields)
    RoleAssignment.objects.create(
        user=user, role=Role.RESPONSABLE, scope_type=ScopeType.ORGANISATION, object_id=str(organisation.pk)
    )
    return user
