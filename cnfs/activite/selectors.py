"""Reads of the activite app, used by views, the API, exports, the import and the other apps.

The `*_map` functions feed `validation.Referentiel`: one query each, whatever the number of rows validated.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from cnfs.activite.models import Accompagnement, AccompagnementTheme, Beneficiaire, LieuActivite
from cnfs.core.models import User
from cnfs.lieux.models import Lieu
from cnfs.recrutement.enums import StatutMiseEnRelation
from cnfs.recrutement.models import MiseEnRelation
from cnfs.territoires.models import Commune

# A recruitment still in force: validated, or validated and a departure declared but not yet confirmed.
STATUTS_EN_POSTE = (StatutMiseEnRelation.FINALISEE, StatutMiseEnRelation.RUPTURE_SIGNALEE)
CHUNK = 5000


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def lieux_of_conseiller(user) -> QuerySet[Lieu]:
    """The places where `user` holds activity (their `LieuActivite`), principal first."""
    return (
        Lieu.objects.filter(conseillers_actifs__conseiller=user)
        .select_related("commune")
        .order_by("-conseillers_actifs__principal", "nom", "pk")
    )


def lieu_principal_id(user) -> int | None:
    """The advisor's principal place, else their first place, else None."""
    return (
        LieuActivite.objects.filter(conseiller=user)
        .order_by("-principal", "id")
        .values_list("lieu_id", flat=True)
        .first()
    )


def lieux_map(conseiller_ids: Iterable[int]) -> tuple[dict[int, frozenset[int]], dict[int, tuple[str, str]]]:
    """({conseiller id: their place ids}, {place id: (commune INSEE code, département code)})."""
    of: dict[int, set[int]] = {}
    places: dict[int, tuple[str, str]] = {}
    for ids in _chunks(list(conseiller_ids)):
        rows = LieuActivite.objects.filter(conseiller_id__in=ids).values_list(
            "conseiller_id", "lieu_id", "lieu__commune_id", "lieu__commune__departement__code"
        )
        for conseiller_id, lieu_id, commune_code, dep in rows:
            of.setdefault(conseiller_id, set()).add(lieu_id)
            places[lieu_id] = (commune_code, dep)
    return {k: frozenset(v) for k, v in of.items()}, places


def communes_map(codes: Iterable[str]) -> dict[str, str]:
    """{commune INSEE code: département code} for the given codes that exist."""
    result: dict[str, str] = {}
    for codes_chunk in _chunks(sorted({c for c in codes if c})):
        result.update(Commune.objects.filter(code__in=codes_chunk).values_list("code", "departement__code"))
    return result


def structures_of_conseillers(conseiller_ids: Iterable[int]) -> dict[int, int | None]:
    """{advisor id: id of the host structure of their recruitment in force, or None}."""
    ids = list(conseiller_ids)
    result: dict[int, int | None] = dict.fromkeys(ids)
    for chunk in _chunks(ids):
        rows = MiseEnRelation.objects.filter(candidature__user_id__in=chunk, statut__in=STATUTS_EN_POSTE).values_list(
            "candidature__user_id", "structure_id"
        )
        result.update(rows)
    return result


def structure_of_conseiller(user) -> int | None:
    """Id of the advisor's host structure (their finalised recruitment), or None."""
    return structures_of_conseillers([user.pk])[user.pk]


def conseillers_of_structures(structure_ids: Iterable[int]) -> set[int]:
    """Ids of the accounts of the advisors whose recruitment in force is with one of these structures."""
    return set(
        MiseEnRelation.objects.filter(
            structure_id__in=list(structure_ids), statut__in=STATUTS_EN_POSTE, candidature__user__isnull=False
        ).values_list("candidature__user_id", flat=True)
    )


def beneficiaires_map(ids: Iterable[int]) -> dict[int, tuple[int, bool]]:
    """{beneficiaire id: (advisor id, anonymised)}."""
    result: dict[int, tuple[int, bool]] = {}
    for chunk in _chunks(sorted(set(ids))):
        for pk, conseiller_id, anonymise_le in Beneficiaire.objects.filter(pk__in=chunk).values_list(
            "pk", "conseiller_id", "anonymise_le"
        ):
            result[pk] = (conseiller_id, anonymise_le is not None)
    return result


def accompagnements_of(conseiller_ids: Iterable[int]) -> QuerySet[Accompagnement]:
    """Live records of these advisors, newest first, with what the list page shows (no query per row)."""
    return (
        Accompagnement.objects.actifs()
        .of_conseillers(conseiller_ids)
        .select_related("conseiller", "lieu", "commune")
        .prefetch_related(Prefetch("themes", queryset=AccompagnementTheme.objects.order_by("theme")))
        .order_by("-date", "-id")
    )


def conseillers_named(ids: Iterable[int]) -> QuerySet[User]:
    return User.objects.filter(pk__in=list(ids)).order_by("last_name", "first_name", "email")


def beneficiaires_of(user) -> QuerySet[Beneficiaire]:
    """The advisor's named follow-ups still identified (anonymised ones are left out)."""
    return Beneficiaire.objects.filter(conseiller=user, anonymise_le__isnull=True).order_by("nom", "prenom", "pk")


def themes_of(accompagnement: Accompagnement) -> list[str]:
    return sorted(accompagnement.themes.values_list("theme", flat=True))
