"""JSON API of the pass numérique for buyers: their orders and where their vouchers stand (read only).

Buyers are people with a session (role `commanditaire`); the national team sees every order. A partner API key
carries no buyer, so it sees none: orders are refused to it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Router

from cnfs.api.auth import caller_of, role_auth
from cnfs.core.enums import Role
from cnfs.passnum import permissions, selectors
from cnfs.passnum.enums import StatutCarnet, StatutCheque
from cnfs.passnum.models import Commande

router = Router(tags=["Pass numérique"])


def _user(request):
    caller = caller_of(request)
    if caller.user is None:
        raise PermissionDenied("Les commandes de pass numériques se consultent avec un compte de commanditaire.")
    return caller.user


def _row(commande: Commande) -> dict:
    return {
        "id": commande.pk,
        "reference": commande.reference,
        "libelle": commande.libelle,
        "commanditaire": commande.commanditaire.nom,
        "statut": commande.statut,
        "territoires": [z.cle for z in commande.zones.all()],
        "nb_carnets": commande.nb_carnets,
        "cheques_par_carnet": commande.cheques_par_carnet,
        "valeur_faciale": commande.valeur_faciale,
        "montant_total": commande.montant_total,
        "taux_etat": commande.taux_etat,
        "montant_etat_engage": commande.montant_etat_engage,
        "validite": [commande.date_debut_validite.isoformat(), commande.date_fin_validite.isoformat()],
        "date_limite_encaissement": commande.date_limite_encaissement.isoformat(),
    }


@router.get(
    "/commandes",
    auth=role_auth(Role.COMMANDITAIRE, Role.ANCT),
    summary="Commandes de pass numériques",
    description="Les commandes du commanditaire de l’appelant (toutes pour l’équipe nationale). Montants en centimes.",
)
def commandes(request):
    return [_row(c) for c in selectors.commandes_of(_user(request))[:500]]


@router.get(
    "/commandes/{commande_id}",
    auth=role_auth(Role.COMMANDITAIRE, Role.ANCT),
    summary="Une commande et ses chèques par statut",
)
def commande(request, commande_id: int):
    user = _user(request)
    found = selectors.commandes_of(user).filter(pk=commande_id).first()
    if found is None or not permissions.can_view_commande(user, found):
        raise Http404("Commande introuvable.")
    stats = selectors.commande_stats(found)
    cheques = {value: n for (value, _), (_, n) in zip(StatutCheque.choices, stats["cheques"], strict=True)}
    carnets = {value: n for (value, _), (_, n) in zip(StatutCarnet.choices, stats["carnets"], strict=True)}
    return {**_row(found), "cheques": cheques, "carnets": carnets}
