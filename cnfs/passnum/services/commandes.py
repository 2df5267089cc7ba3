"""Orders: created against the State envelope (row lock, never over-committed), then issued in bulk.

Lock order everywhere: order, then envelope — so concurrent services never deadlock.
"""

from __future__ import annotations

import calendar
import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from cnfs.core.models import User
from cnfs.core.services import audit_log
from cnfs.passnum import codes, permissions
from cnfs.passnum.enums import PublicCible, StatutCarnet, StatutCheque, StatutCommande, TypeTerritoire
from cnfs.passnum.models import Carnet, Cheque, Commande, Commanditaire, Distributeur, EnveloppeEtat, ZoneCommande
from cnfs.passnum.models.commande import CHEQUES_PAR_CARNET, TAUX_ETAT_MAX
from cnfs.passnum.services._common import euros, forbid, refuse, snapshot, today_or
from cnfs.territoires.models import Commune, Departement, Region

BATCH = 5000
MAX_CHEQUES_PAR_COMMANDE = 500_000
COMMANDE_FIELDS = (
    "libelle",
    "nb_carnets",
    "cheques_par_carnet",
    "valeur_faciale",
    "taux_etat",
    "montant_total",
    "montant_etat_engage",
    "statut",
    "date_fin_validite",
)


def add_one_month(day: datetime.date) -> datetime.date:
    """Same day next month, or that month's last day (31 December → 31 January; 31 January → 28/29 February)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_fin_validite(debut: datetime.date) -> datetime.date:
    return datetime.date(debut.year, 12, 31)


def lock_enveloppe(pk: int) -> EnveloppeEtat:
    return EnveloppeEtat.objects.select_for_update().get(pk=pk)


def _zones(territoire_type: str, territoire_codes: list[str]) -> list[tuple[str, str, str]]:
    """(key, label, région code) of each territory of an order, or a French refusal."""
    wanted = list(dict.fromkeys(c.strip().upper() for c in territoire_codes if c and c.strip()))
    if not wanted:
        refuse("Indiquez au moins un territoire où les chèques seront valables.", field="territoire_codes")
    if territoire_type == TypeTerritoire.REGION:
        if len(wanted) != 1:
            refuse("Une commande régionale porte sur une seule région.", field="territoire_codes")
        found = {r.code: (r.nom, r.code) for r in Region.objects.filter(code__in=wanted)}
        prefix = "R"
    elif territoire_type == TypeTerritoire.DEPARTEMENTS:
        found = {
            d.code: (d.nom, d.region.code)
            for d in Departement.objects.select_related("region").filter(code__in=wanted)
        }
        prefix = "D"
    elif territoire_type == TypeTerritoire.COMMUNES:
        found = {
            c.code: (c.nom, c.region.code) for c in Commune.objects.select_related("region").filter(code__in=wanted)
        }
        prefix = "C"
    else:
        refuse("Type de territoire inconnu.", field="territoire_type")
    unknown = [c for c in wanted if c not in found]
    if unknown:
        refuse(f"Territoire inconnu : {', '.join(unknown)}.", field="territoire_codes")
    return [(f"{prefix}:{code}", found[code][0], found[code][1]) for code in wanted]


@transaction.atomic
def commande_create(
    *,
    actor: User,
    commanditaire: Commanditaire,
    libelle: str,
    territoire_type: str,
    territoire_codes: list[str],
    publics: list[str],
    nb_carnets: int,
    cheques_par_carnet: int,
    valeur_faciale: int = 1000,
    date_debut_validite: datetime.date | None = None,
    date_fin_validite: datetime.date | None = None,
    taux_etat: int = 0,
    enveloppe: EnveloppeEtat | None = None,
    request=None,
) -> Commande:
    """A buyer orders booklets; the State's share (taux_etat % of the face value) is committed on the envelope
    under a row lock, or the order is refused in French when the envelope cannot cover it."""
    if not permissions.can_manage_commanditaire(actor, commanditaire.pk):
        forbid("Vous ne pouvez commander qu’au nom de votre propre organisation.")
    libelle = (libelle or "").strip()
    if not libelle:
        refuse("Indiquez le libellé de la commande.", field="libelle")
    if cheques_par_carnet not in CHEQUES_PAR_CARNET:
        refuse("Un carnet compte 5 ou 10 chèques.", field="cheques_par_carnet")
    if nb_carnets is None or nb_carnets <= 0:
        refuse("Le nombre de carnets doit être positif.", field="nb_carnets")
    if nb_carnets * cheques_par_carnet > MAX_CHEQUES_PAR_COMMANDE:
        refuse(
            f"Une commande compte au plus {MAX_CHEQUES_PAR_COMMANDE:,} chèques ; scindez-la.".replace(",", " "),
            field="nb_carnets",
        )
    if valeur_faciale is None or valeur_faciale <= 0:
        refuse("La valeur faciale d’un chèque doit être positive.", field="valeur_faciale")
    unknown = [p for p in publics if p not in PublicCible.values]
    if not publics or unknown:
        refuse("Choisissez au moins un public visé parmi la liste.", field="publics")
    if taux_etat is None or not 0 <= taux_etat <= TAUX_ETAT_MAX:
        refuse(f"L’État cofinance au plus {TAUX_ETAT_MAX} % des chèques.", field="taux_etat")
    debut = today_or(date_debut_validite)
    fin = date_fin_validite or default_fin_validite(debut)
    if fin < debut:
        refuse("La fin de validité doit suivre son début.", field="date_fin_validite")
    zones = _zones(territoire_type, territoire_codes)

    montant_total = nb_carnets * cheques_par_carnet * valeur_faciale
    montant_etat = montant_total * taux_etat // 100  # rounded down: the State never commits a cent too many
    if taux_etat > 0 and enveloppe is None:
        refuse("Choisissez l’enveloppe de l’État qui cofinance cette commande.", field="enveloppe")
    if enveloppe is not None and taux_etat == 0:
        enveloppe = None
    if enveloppe is not None:
        enveloppe = lock_enveloppe(enveloppe.pk)
        if enveloppe.annee != fin.year:
            refuse(
                f"L’enveloppe « {enveloppe.libelle} » finance l’année {enveloppe.annee}, "
                f"la commande court jusqu’en {fin.year}.",
                field="enveloppe",
            )
        if enveloppe.region_id is not None:
            region_code = Region.objects.values_list("code", flat=True).get(pk=enveloppe.region_id)
            if any(zone_region != region_code for _, _, zone_region in zones):
                refuse(
                    f"L’enveloppe « {enveloppe.libelle} » ne couvre que sa région : "
                    "tous les territoires de la commande doivent s’y trouver.",
                    field="enveloppe",
                )
        if montant_etat > enveloppe.disponible:
            refuse(
                f"Enveloppe « {enveloppe.libelle} » insuffisante : la part de l’État demande {euros(montant_etat)}, "
                f"il reste {euros(enveloppe.disponible)} non engagés sur {euros(enveloppe.montant)}.",
                field="enveloppe",
                code="enveloppe_insuffisante",
            )
        enveloppe.engage += montant_etat
        try:
            with transaction.atomic():
                enveloppe.save(update_fields=["engage"])
        except IntegrityError:  # only reachable if the row changed behind the lock (by hand)
            refuse(f"L’enveloppe « {enveloppe.libelle} » ne peut pas être engagée au-delà de son montant.")

    commande = Commande.objects.create(
        commanditaire=commanditaire,
        libelle=libelle,
        territoire_type=territoire_type,
        publics=list(dict.fromkeys(publics)),
        nb_carnets=nb_carnets,
        cheques_par_carnet=cheques_par_carnet,
        valeur_faciale=valeur_faciale,
        date_debut_validite=debut,
        date_fin_validite=fin,
        date_limite_encaissement=add_one_month(fin),
        taux_etat=taux_etat,
        enveloppe=enveloppe,
        montant_total=montant_total,
        montant_etat_engage=montant_etat,
        created_by=actor,
    )
    ZoneCommande.objects.bulk_create(
        ZoneCommande(commande=commande, cle=key, libelle=label) for key, label, _ in zones
    )
    audit_log(
        actor=actor,
        action="passnum.commande.create",
        target=commande,
        after=snapshot(commande, *COMMANDE_FIELDS),
        request=request,
    )
    return commande


def _lock_commande(commande: Commande) -> Commande:
    return Commande.objects.select_for_update().get(pk=commande.pk)


@transaction.atomic
def commande_annuler(*, actor: User, commande: Commande, request=None) -> Commande:
    """An order not yet issued may be cancelled; the State's share goes back to the envelope."""
    commande = _lock_commande(commande)
    if not permissions.can_view_commande(actor, commande):
        forbid("Vous ne pouvez pas annuler cette commande.")
    if commande.statut != StatutCommande.ENGAGEE:
        refuse("Seule une commande dont les carnets ne sont pas encore émis peut être annulée.")
    before = snapshot(commande, *COMMANDE_FIELDS)
    if commande.enveloppe_id:
        enveloppe = lock_enveloppe(commande.enveloppe_id)
        enveloppe.engage -= commande.montant_etat_engage
        enveloppe.save(update_fields=["engage"])
    commande.statut = StatutCommande.ANNULEE
    commande.montant_etat_engage = 0
    commande.save(update_fields=["statut", "montant_etat_engage"])
    audit_log(
        actor=actor,
        action="passnum.commande.annuler",
        target=commande,
        before=before,
        after=snapshot(commande, *COMMANDE_FIELDS),
        request=request,
    )
    return commande


def _fresh_codes(count: int) -> list[str]:
    """`count` new codes, distinct among themselves; 75 random bits make a clash with stored codes negligible
    (the unique index would refuse one, and the whole issue would roll back)."""
    made: set[str] = set()
    while len(made) < count:
        made.add(codes.new_code())
    return list(made)


@transaction.atomic
def commande_emettre(*, actor: User, commande: Commande, request=None) -> Commande:
    """Create the order's booklets and vouchers, in batches, in one transaction: all of them or none."""
    commande = _lock_commande(commande)
    if not permissions.can_view_commande(actor, commande):
        forbid("Vous ne pouvez pas émettre les carnets de cette commande.")
    if commande.statut != StatutCommande.ENGAGEE:
        refuse("Les carnets de cette commande sont déjà émis, ou la commande est close.")
    per = commande.cheques_par_carnet
    carnets_per_batch = max(1, BATCH // per)
    for start in range(0, commande.nb_carnets, carnets_per_batch):
        numbers = range(start + 1, min(start + carnets_per_batch, commande.nb_carnets) + 1)
        carnets = Carnet.objects.bulk_create([Carnet(commande=commande, numero=n) for n in numbers])
        if any(c.pk is None for c in carnets):  # a backend that does not return ids from bulk inserts
            carnets = list(Carnet.objects.filter(commande=commande, numero__in=list(numbers)).order_by("numero"))
        fresh = iter(_fresh_codes(len(carnets) * per))
        Cheque.objects.bulk_create(
            [
                Cheque(
                    code=next(fresh),
                    carnet_id=carnet.pk,
                    commande_id=commande.pk,
                    valeur=commande.valeur_faciale,
                    valable_du=commande.date_debut_validite,
                    valable_jusqu_au=commande.date_limite_encaissement,
                )
                for carnet in carnets
                for _ in range(per)
            ],
            batch_size=BATCH,
        )
    commande.statut = StatutCommande.EMISE
    commande.emise_at = timezone.now()
    commande.save(update_fields=["statut", "emise_at"])
    audit_log(
        actor=actor,
        action="passnum.commande.emettre",
        target=commande,
        after={"carnets": commande.nb_carnets, "cheques": commande.nb_cheques},
        request=request,
    )
    return commande


def commande_departements(commande: Commande) -> set[str]:
    """Codes of the départements an order's territory touches (for the distributors it may supply)."""
    keys = list(commande.zones.values_list("cle", flat=True))
    kind = {k[:1] for k in keys}
    codes_ = [k[2:] for k in keys]
    if kind == {"R"}:
        return set(Departement.objects.filter(region__code__in=codes_).values_list("code", flat=True))
    if kind == {"D"}:
        return set(codes_)
    return set(Commune.objects.filter(code__in=codes_).values_list("departement__code", flat=True))


@transaction.atomic
def carnets_attribuer(
    *, actor: User, commande: Commande, distributeur: Distributeur, nombre: int, request=None
) -> int:
    """The buyer sends `nombre` booklets not yet sent to a distributor of the order's territory."""
    commande = _lock_commande(commande)
    if not permissions.can_view_commande(actor, commande):
        forbid("Vous ne pouvez pas attribuer les carnets de cette commande.")
    if commande.statut != StatutCommande.EMISE:
        refuse("Les carnets de cette commande ne sont pas émis, ou la commande est close.")
    if nombre is None or nombre <= 0:
        refuse("Indiquez un nombre de carnets positif.", field="nombre")
    if distributeur.departement_id not in commande_departements(commande):
        refuse(f"{distributeur.nom} n’est pas dans le territoire de la commande.", field="distributeur")
    free = list(
        Carnet.objects.filter(commande=commande, statut=StatutCarnet.EMIS, distributeur__isnull=True)
        .order_by("numero")
        .values_list("pk", flat=True)[:nombre]
    )
    if len(free) < nombre:
        refuse(f"Il reste {len(free)} carnet(s) à attribuer sur cette commande.", field="nombre")
    Carnet.objects.filter(pk__in=free).update(
        distributeur=distributeur, statut=StatutCarnet.ATTRIBUE, attribue_at=timezone.now()
    )
    audit_log(
        actor=actor,
        action="passnum.carnets.attribuer",
        target=commande,
        after={"distributeur": distributeur.pk, "carnets": len(free)},
        request=request,
    )
    return len(free)


@transaction.atomic
def carnet_annuler(*, actor: User, carnet: Carnet, motif: str, request=None) -> int:
    """A lost or stolen booklet: its unused vouchers are cancelled (« chèque annulé » at any place)."""
    carnet = Carnet.objects.select_for_update().select_related("commande").get(pk=carnet.pk)
    if not permissions.can_view_commande(actor, carnet.commande):
        forbid("Vous ne pouvez pas annuler ce carnet.")
    motif = (motif or "").strip()
    if not motif:
        refuse("Indiquez pourquoi le carnet est annulé (perte, vol…).", field="motif")
    if carnet.statut in (StatutCarnet.ANNULE, StatutCarnet.EXPIRE):
        refuse("Ce carnet est déjà annulé ou expiré.")
    cancelled = Cheque.objects.filter(carnet=carnet, statut__in=[StatutCheque.EMIS, StatutCheque.DISTRIBUE]).update(
        statut=StatutCheque.ANNULE
    )
    carnet.statut = StatutCarnet.ANNULE
    carnet.save(update_fields=["statut"])
    audit_log(
        actor=actor,
        action="passnum.carnet.annuler",
        target=carnet,
        after={"motif": motif, "cheques_annules": cancelled},
        request=request,
    )
    return cancelled


@transaction.atomic
def commandes_expirer(*, today: datetime.date | None = None) -> int:
    """Past their redemption deadline, unused vouchers become `expire` and their orders `cloturee`; returns how
    many vouchers expired. Refunds to the buyer are computed on these (`passnum` money services)."""
    today = today_or(today)
    due = list(
        Commande.objects.select_for_update()
        .filter(statut=StatutCommande.EMISE, date_limite_encaissement__lt=today)
        .values_list("pk", flat=True)
    )
    if not due:
        return 0
    expired = 0
    for commande in Commande.objects.filter(pk__in=due).order_by("pk"):
        count = Cheque.objects.filter(
            commande_id=commande.pk, statut__in=[StatutCheque.EMIS, StatutCheque.DISTRIBUE]
        ).update(statut=StatutCheque.EXPIRE)
        Carnet.objects.filter(commande_id=commande.pk).exclude(statut=StatutCarnet.ANNULE).update(
            statut=StatutCarnet.EXPIRE
        )
        commande.statut = StatutCommande.CLOTUREE
        commande.save(update_fields=["statut"])
        audit_log(actor=None, action="passnum.commande.expirer", target=commande, after={"cheques_expires": count})
        expired += count
    return expired
