"""Distributors hand booklets to people: anonymously by public by default, named only with consent."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cnfs.core.models import User
from cnfs.core.services import audit_log
from cnfs.passnum import permissions
from cnfs.passnum.enums import PublicCible, StatutCarnet, StatutCheque
from cnfs.passnum.models import Carnet, Cheque
from cnfs.passnum.services._common import forbid, refuse


@transaction.atomic
def carnets_distribuer(
    *,
    actor: User,
    carnet_ids: list[int],
    public: str,
    consentement: bool = False,
    beneficiaire_nom: str = "",
    request=None,
) -> int:
    """Record the hand-out of booklets received by the actor's distributor; their vouchers become `distribue`.

    A name is recorded only for one booklet at a time and only when the person consents; otherwise only the public
    is kept, for anonymous counts.
    """
    ids = sorted({int(pk) for pk in carnet_ids or ()})
    if not ids:
        refuse("Indiquez au moins un carnet à distribuer.", field="numeros")
    if public not in PublicCible.values:
        refuse("Choisissez le public de la personne.", field="public")
    beneficiaire_nom = (beneficiaire_nom or "").strip()
    if beneficiaire_nom and not consentement:
        refuse(
            "Le nom de la personne n’est enregistré qu’avec son consentement : cochez la case ou effacez le nom.",
            field="beneficiaire_nom",
        )
    if consentement and not beneficiaire_nom:
        refuse("Indiquez le nom de la personne qui accepte d’être nommée.", field="beneficiaire_nom")
    if beneficiaire_nom and len(ids) > 1:
        refuse("Un nom ne s’enregistre que pour un seul carnet à la fois.", field="numeros")
    carnets = list(Carnet.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(carnets) != len(ids) or not all(permissions.can_distribute(actor, c) for c in carnets):
        forbid("Vous ne pouvez distribuer que les carnets remis à votre organisation.")
    already = [c for c in carnets if c.statut != StatutCarnet.ATTRIBUE]
    if already:
        numbers = ", ".join(f"n° {c.numero}" for c in already)
        refuse(
            f"Ces carnets ne sont plus disponibles (déjà distribués, annulés ou expirés) : {numbers}.", field="numeros"
        )
    now = timezone.now()
    Carnet.objects.filter(pk__in=ids).update(
        statut=StatutCarnet.DISTRIBUE,
        distribue_at=now,
        distribue_par=actor,
        public=public,
        consentement=bool(beneficiaire_nom),
        beneficiaire_nom=beneficiaire_nom,
    )
    Cheque.objects.filter(carnet_id__in=ids, statut=StatutCheque.EMIS).update(statut=StatutCheque.DISTRIBUE)
    audit_log(
        actor=actor,
        action="passnum.carnets.distribuer",
        target=carnets[0] if len(carnets) == 1 else None,
        after={"carnets": ids, "public": public, "nomme": bool(beneficiaire_nom)},
        request=request,
    )
    return len(ids)
