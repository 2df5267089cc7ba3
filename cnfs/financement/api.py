"""JSON API of the programme's money: envelopes (national team) and totals per département (scoped).

Sessions and partner API keys both go through `Caller.scope`: a national caller sees the whole country, a
prefecture or hub caller (or a key limited to départements) only its départements.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from ninja import Router

from cnfs.api.auth import caller_of, role_auth
from cnfs.core.enums import Role
from cnfs.financement import selectors

router = Router(tags=["Financement"])


@router.get(
    "/enveloppes",
    auth=role_auth(Role.ANCT),
    summary="Enveloppes budgétaires",
    description="Montant, engagé, versé et disponible de chaque enveloppe, en centimes. Équipe nationale.",
)
def enveloppes(request):
    if not caller_of(request).is_national:
        raise PermissionDenied("Les enveloppes budgétaires sont réservées à l’équipe nationale.")
    return [
        {
            "id": row.enveloppe.pk,
            "programme": row.enveloppe.programme,
            "libelle": row.enveloppe.libelle,
            "destination": row.enveloppe.destination,
            "periode": [row.enveloppe.date_debut.isoformat(), row.enveloppe.date_fin.isoformat()],
            "montant": row.enveloppe.montant,
            "engage": row.enveloppe.engage,
            "verse": row.enveloppe.verse,
            "disponible": row.disponible,
            "conventions": row.conventions,
            "demandes_mobilier": row.demandes,
        }
        for row in selectors.envelope_rows()
    ]


@router.get(
    "/departements",
    auth=role_auth(Role.ANCT, Role.PREFECTURE, Role.HUB),
    summary="Montants engagés et versés par département",
    description=(
        "Conventions signées (nettes des départs) et aides au mobilier, en centimes, pour les départements du "
        "périmètre de l’appelant (la France entière pour l’équipe nationale)."
    ),
)
def departements(request):
    scope = caller_of(request).scope
    rows = selectors.by_departement(None if scope.national else sorted(scope.departements))
    return [
        {
            "code": r.code,
            "nom": r.nom,
            "region": r.region_code,
            "conventions": r.conventions,
            "postes": r.postes,
            "engage": r.engage,
            "verse": r.verse,
            "engage_conventions": r.engage_conventions,
            "engage_mobilier": r.engage_mobilier,
        }
        for r in rows
    ]
