"""Deterministic helpers of the activite tests: an advisor with places, valid record data."""

from __future__ import annotations

import datetime as dt

import factory

from cnfs.activite.models import LieuActivite
from cnfs.core.enums import Role, ScopeType
from cnfs.core.tests.factories import RoleAssignmentFactory, user_with_role
from cnfs.lieux.tests.factories import LieuFactory
from cnfs.recrutement.enums import StatutMiseEnRelation
from cnfs.recrutement.tests.factories import CandidatureFactory, MiseEnRelationFactory, StructureFactory

TODAY = dt.date(2026, 6, 15)  # services take `today` explicitly in tests


class LieuActiviteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LieuActivite

    conseiller = factory.LazyFunction(lambda: user_with_role(Role.CONSEILLER))
    lieu = factory.SubFactory(LieuFactory)
    principal = False


def conseiller_with_lieux(n: int = 1, *, structure=None, **lieu_kwargs):
    """An advisor (role conseiller) with `n` places of activity, the first one principal; recruited by `structure`
    when given. Returns (user, [lieux])."""
    user = user_with_role(Role.CONSEILLER)
    lieux = [LieuActiviteFactory(conseiller=user, principal=(i == 0), **lieu_kwargs).lieu for i in range(n)]
    if structure is not None:
        recruit(user, structure)
    return user, lieux


def recruit(user, structure):
    """Link `user` to `structure` by a finalised recruitment (their host structure)."""
    candidature = CandidatureFactory(user=user)
    MiseEnRelationFactory(
        structure=structure,
        candidature=candidature,
        statut=StatutMiseEnRelation.FINALISEE,
        date_recrutement=dt.date(2025, 1, 1),
    )
    return candidature


def coordinateur_of(structure):
    return RoleAssignmentFactory(
        role=Role.COORDINATEUR, scope_type=ScopeType.STRUCTURE, object_id=str(structure.pk)
    ).user


def valid_data(lieu=None, **overrides) -> dict:
    """A correct individual record at `lieu` (or in Saint-Étienne without a place)."""
    data = {
        "date": TODAY - dt.timedelta(days=1),
        "type": "individuel",
        "canal": "lieu_activite" if lieu else "domicile",
        "lieu_id": lieu.pk if lieu else None,
        "commune_id": None if lieu else "42218",
        "duree_minutes": 30,
        "participants": 1,
        "participants_recurrents": 0,
        "age_35_60": 1,
        "statut_retraite": 1,
        "themes": ["courriel"],
    }
    data.update(overrides)
    return data


__all__ = [
    "TODAY",
    "LieuActiviteFactory",
    "StructureFactory",
    "conseiller_with_lieux",
    "coordinateur_of",
    "recruit",
    "valid_data",
]
