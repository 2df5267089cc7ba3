"""Reads of the money side: dashboards per order and per territory, the State co-funding claim, statements,
batches and credit notes. Every table is one grouped query, whatever the number of vouchers."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum

from cnfs.core.permissions import is_national
from cnfs.passnum import permissions
from cnfs.passnum.enums import StatutCheque
from cnfs.passnum.models import Avoir, Cheque, Commande, LotPaiement, ReleveMensuel
from cnfs.passnum.services.paiements import cofinancement_etat

_COUNTS = {
    "emis": Count("id"),
    "distribues": Count("id", filter=Q(statut=StatutCheque.DISTRIBUE)),
    "utilises": Count("id", filter=Q(statut=StatutCheque.UTILISE)),
    "expires": Count("id", filter=Q(statut=StatutCheque.EXPIRE)),
    "annules": Count("id", filter=Q(statut=StatutCheque.ANNULE)),
    "montant_emis": Sum("valeur"),
    "montant_utilise": Sum("valeur", filter=Q(statut=StatutCheque.UTILISE)),
}


def _finish(row: dict) -> dict:
    row["montant_emis"] = row["montant_emis"] or 0
    row["montant_utilise"] = row["montant_utilise"] or 0
    row["taux_utilisation"] = round(100 * row["utilises"] / row["emis"], 1) if row["emis"] else 0.0
    return row


def tableau_commandes(commandes: QuerySet[Commande]) -> list[dict]:
    """Per order: vouchers issued, distributed, used, expired, cancelled, amounts and use rate."""
    stats = {
        row["commande_id"]: row
        for row in Cheque.objects.filter(commande__in=commandes).values("commande_id").annotate(**_COUNTS)
    }
    rows = []
    for commande in commandes.order_by("-created_at", "-id"):
        row = stats.get(commande.pk, {"emis": 0, "distribues": 0, "utilises": 0, "expires": 0, "annules": 0})
        row = _finish({"montant_emis": None, "montant_utilise": None, **row})
        row.update(commande=commande, reference=commande.reference, libelle=commande.libelle)
        row["commanditaire"] = commande.commanditaire.nom
        rows.append(row)
    return rows


def tableau_territoires(commandes: QuerySet[Commande]) -> list[dict]:
    """Per territory of validity (an order valid in several territories counts in each of them)."""
    rows = (
        Cheque.objects.filter(commande__in=commandes)
        .values("commande__zones__cle", "commande__zones__libelle")
        .annotate(**_COUNTS)
        .order_by("commande__zones__cle")
    )
    return [
        _finish({**row, "territoire": row["commande__zones__libelle"] or row["commande__zones__cle"]}) for row in rows
    ]


def cofinancement_par_commande(commandes: QuerySet[Commande] | None = None) -> list[dict]:
    """The State's claim per order: rate × face value of the used vouchers, capped by the amount committed."""
    commandes = commandes if commandes is not None else Commande.objects.select_related("commanditaire", "enveloppe")
    used = dict(
        Cheque.objects.filter(commande__in=commandes, statut=StatutCheque.UTILISE)
        .values("commande_id")
        .annotate(v=Sum("valeur"))
        .values_list("commande_id", "v")
    )
    rows = []
    for c in commandes.filter(taux_etat__gt=0).order_by("enveloppe_id", "id"):
        value = used.get(c.pk, 0) or 0
        rows.append(
            {
                "commande": c,
                "reference": c.reference,
                "enveloppe": str(c.enveloppe) if c.enveloppe else "",
                "taux_etat": c.taux_etat,
                "engage": c.montant_etat_engage,
                "utilises_valeur": value,
                "demande_etat": cofinancement_etat(c, value),
            }
        )
    return rows


def cofinancement_par_enveloppe(rows: list[dict]) -> list[dict]:
    totals: dict[str, dict] = {}
    for row in rows:
        t = totals.setdefault(row["enveloppe"], {"enveloppe": row["enveloppe"], "engage": 0, "demande_etat": 0})
        t["engage"] += row["engage"]
        t["demande_etat"] += row["demande_etat"]
    return list(totals.values())


def commandes_visibles(user) -> QuerySet[Commande]:
    """Buyers see their own orders, the national team all of them."""
    qs = Commande.objects.select_related("commanditaire", "enveloppe")
    return qs if is_national(user) else qs.filter(commanditaire_id__in=permissions.commanditaire_ids(user))


def releves_of(user) -> QuerySet[ReleveMensuel]:
    """A place's own statements (by its `lieu_pass` role)."""
    return ReleveMensuel.objects.select_related("lot").filter(lieu__lieu_id__in=permissions.lieu_ids(user))


def avoirs_of(user) -> QuerySet[Avoir]:
    return Avoir.objects.select_related("commande__commanditaire").filter(commande__in=commandes_visibles(user))


def lots() -> QuerySet[LotPaiement]:
    return LotPaiement.objects.defer("fichier_xml", "fichier_csv").order_by("-created_at", "-id")


def releves_a_payer() -> dict:
    return ReleveMensuel.objects.filter(lot__isnull=True).aggregate(n=Count("id"), montant=Sum("montant"))
