"""Reads of the pass numérique pages: one place to optimise them."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum

from cnfs.core.permissions import is_national
from cnfs.lieux.models import Lieu
from cnfs.passnum import permissions
from cnfs.passnum.enums import ResultatTentative, StatutCarnet, StatutCheque, StatutCommande, StatutQualification
from cnfs.passnum.models import (
    Carnet,
    Cheque,
    Commande,
    Commanditaire,
    Distributeur,
    EnveloppeEtat,
    LieuQualifie,
    TentativeEncaissement,
    ZoneCommande,
)


def commanditaires_of(user) -> QuerySet[Commanditaire]:
    """The buyers the user acts for (every buyer for the national team)."""
    if is_national(user):
        return Commanditaire.objects.all()
    return Commanditaire.objects.filter(pk__in=permissions.commanditaire_ids(user))


def commandes_of(user) -> QuerySet[Commande]:
    """Orders the user may see, with their buyer, newest first."""
    qs = Commande.objects.select_related("commanditaire", "enveloppe").prefetch_related("zones")
    if is_national(user):
        return qs
    return qs.filter(commanditaire_id__in=permissions.commanditaire_ids(user))


def enveloppes_ouvertes() -> QuerySet[EnveloppeEtat]:
    return EnveloppeEtat.objects.select_related("region").order_by("-annee", "region__nom")


def commande_stats(commande: Commande) -> dict:
    """Vouchers and booklets of an order by status (two grouped queries)."""
    cheques = dict(
        Cheque.objects.filter(commande=commande)
        .values_list("statut")
        .annotate(n=Count("id"))
        .values_list("statut", "n")
    )
    carnets = dict(
        Carnet.objects.filter(commande=commande)
        .values_list("statut")
        .annotate(n=Count("id"))
        .values_list("statut", "n")
    )
    return {
        "cheques": [(label, cheques.get(value, 0)) for value, label in StatutCheque.choices],
        "carnets": [(label, carnets.get(value, 0)) for value, label in StatutCarnet.choices],
        "a_attribuer": Carnet.objects.filter(
            commande=commande, statut=StatutCarnet.EMIS, distributeur__isnull=True
        ).count(),
    }


def distributeurs_for(commande: Commande) -> QuerySet[Distributeur]:
    from cnfs.passnum.services.commandes import commande_departements

    return Distributeur.objects.filter(departement_id__in=commande_departements(commande)).order_by("nom")


def carnets_of_commande_for_pdf(commande: Commande, first: int, last: int) -> list[Carnet]:
    return list(
        Carnet.objects.filter(commande=commande, numero__gte=first, numero__lte=last)
        .prefetch_related("cheques")
        .order_by("numero")
    )


def distributeurs_of(user) -> QuerySet[Distributeur]:
    return Distributeur.objects.filter(pk__in=permissions.distributeur_ids(user)).select_related("departement")


def carnets_recus(distributeur: Distributeur) -> QuerySet[Carnet]:
    """Booklets the distributor holds and has not handed out yet."""
    return (
        Carnet.objects.filter(distributeur=distributeur, statut=StatutCarnet.ATTRIBUE)
        .select_related("commande__commanditaire")
        .order_by("commande_id", "numero")
    )


def commandes_en_stock(distributeur: Distributeur) -> QuerySet[Commande]:
    """Orders of which the distributor still holds booklets, with the numbers still in stock."""
    in_stock = Carnet.objects.filter(distributeur=distributeur, statut=StatutCarnet.ATTRIBUE)
    return (
        Commande.objects.filter(pk__in=in_stock.values("commande_id")).select_related("commanditaire").order_by("pk")
    )


def stock_ranges(distributeur: Distributeur) -> list[tuple[Commande, str]]:
    """Per order, the booklet numbers in stock written as ranges (« 1-40, 43 ») for the page."""
    numbers: dict[int, list[int]] = {}
    for commande_id, numero in (
        Carnet.objects.filter(distributeur=distributeur, statut=StatutCarnet.ATTRIBUE)
        .order_by("commande_id", "numero")
        .values_list("commande_id", "numero")
    ):
        numbers.setdefault(commande_id, []).append(numero)
    commandes = Commande.objects.in_bulk(numbers.keys())
    return [(commandes[pk], _as_ranges(values)) for pk, values in sorted(numbers.items())]


def _as_ranges(values: list[int]) -> str:
    parts, start = [], None
    for i, n in enumerate(values):
        start = n if start is None else start
        if i + 1 == len(values) or values[i + 1] != n + 1:
            parts.append(str(n) if start == n else f"{start}-{n}")
            start = None
    return ", ".join(parts)


def distribution_counts(distributeur: Distributeur) -> dict:
    """Booklets the distributor received, handed out, and handed out by public (anonymous counts)."""
    qs = Carnet.objects.filter(distributeur=distributeur)
    totals = qs.aggregate(
        recus=Count("id"),
        distribues=Count("id", filter=Q(statut=StatutCarnet.DISTRIBUE)),
        en_stock=Count("id", filter=Q(statut=StatutCarnet.ATTRIBUE)),
        nommes=Count("id", filter=Q(consentement=True)),
    )
    by_public = (
        qs.filter(statut=StatutCarnet.DISTRIBUE).values("public").annotate(n=Count("id")).order_by("-n", "public")
    )
    from cnfs.passnum.enums import PublicCible

    labels = dict(PublicCible.choices)
    totals["par_public"] = [(labels.get(row["public"], "—"), row["n"]) for row in by_public]
    return totals


def lieux_of(user) -> QuerySet[Lieu]:
    # The commune's département and région too: a redemption reads the place's territory keys from them.
    return (
        Lieu.objects.filter(pk__in=permissions.lieu_ids(user))
        .select_related("commune__departement", "commune__region")
        .order_by("nom")
    )


def qualification_of(lieu: Lieu) -> LieuQualifie | None:
    return LieuQualifie.objects.filter(lieu=lieu).first()


def _redeemed_at(qualification: LieuQualifie) -> QuerySet[Cheque]:
    """The vouchers spent at a place, found through the log of its accepted attempts (index on place and date): the
    voucher table indexes nothing that a redemption writes, so that the redemption stays a HOT update."""
    accepted = TentativeEncaissement.objects.filter(
        lieu_id=qualification.lieu_id, resultat=ResultatTentative.ACCEPTE
    ).values("cheque_id")
    return Cheque.objects.filter(pk__in=accepted, redeemed_by_place=qualification, statut=StatutCheque.UTILISE)


def encaissements_recents(qualification: LieuQualifie, limit: int = 20) -> QuerySet[Cheque]:
    return _redeemed_at(qualification).select_related("commande__commanditaire").order_by("-redeemed_at")[:limit]


def encaissements_par_mois(qualification: LieuQualifie) -> list[dict]:
    """Vouchers redeemed at a place per month, and their amount (newest month first)."""
    return list(
        _redeemed_at(qualification)
        .values("redeemed_month")
        .annotate(n=Count("id"), montant=Sum("valeur"))
        .order_by("-redeemed_month")[:12]
    )


def tentatives_recentes(lieu: Lieu, limit: int = 10) -> QuerySet[TentativeEncaissement]:
    return TentativeEncaissement.objects.filter(lieu=lieu).select_related("user").order_by("-created_at")[:limit]


def qualifications_for_review(user, statut: str | None = StatutQualification.DEMANDEE) -> QuerySet[LieuQualifie]:
    """Applications the user may review: all for the national team; for a buyer, those of the places that stand in
    the territories of its live orders."""
    qs = LieuQualifie.objects.select_related("lieu__commune__departement", "lieu__commune__region").order_by(
        "demandee_at", "id"
    )
    if statut:
        qs = qs.filter(statut=statut)
    if is_national(user):
        return qs
    keys = ZoneCommande.objects.filter(
        commande__commanditaire_id__in=permissions.commanditaire_ids(user),
        commande__statut__in=[StatutCommande.ENGAGEE, StatutCommande.EMISE],
    ).values_list("cle", flat=True)
    by_kind: dict[str, list[str]] = {"C": [], "D": [], "R": []}
    for key in keys:
        by_kind[key[:1]].append(key[2:])
    condition = Q(lieu__commune__code__in=by_kind["C"]) | Q(lieu__commune__departement__code__in=by_kind["D"])
    condition |= Q(lieu__commune__region__code__in=by_kind["R"])
    return qs.filter(condition) if any(by_kind.values()) else qs.none()


def national_counts() -> dict:
    """Headline figures of the national space."""
    return {
        "qualifications_demandees": LieuQualifie.objects.filter(statut=StatutQualification.DEMANDEE).count(),
        "lieux_qualifies": LieuQualifie.objects.filter(statut=StatutQualification.QUALIFIEE).count(),
        "commandes": Commande.objects.exclude(statut=StatutCommande.ANNULEE).count(),
        "enveloppes": list(enveloppes_ouvertes()[:10]),
    }
