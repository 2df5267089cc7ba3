"""Payment schedules of conventions: instalments that always sum to the net subsidy, then mandated, then paid."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Sum

from cnfs.core.models import User
from cnfs.core.services import audit_log
from cnfs.financement import permissions
from cnfs.financement.enums import TRANSITIONS_VERSEMENT, StatutVersement
from cnfs.financement.models import Convention, Versement
from cnfs.financement.money import add_months, euros, split_amount
from cnfs.financement.services._common import forbid, refuse, today_or
from cnfs.financement.services.enveloppes import lock_enveloppe, pay

MAX_ECHEANCES = 60


def lock_convention(convention: Convention | int) -> Convention:
    pk = convention if isinstance(convention, int) else convention.pk
    return (
        Convention.objects.select_for_update(of=("self",))
        .select_related("structure", "enveloppe", "bareme")
        .get(pk=pk)
    )


def default_schedule(convention: Convention, *, first: datetime.date) -> list[tuple[datetime.date, int]]:
    """One instalment per started year of the convention, equal shares to the cent, the first at `first`."""
    years = max(1, -(-convention.duree_mois // 12))
    amounts = split_amount(convention.montant_net, years)
    return [(add_months(first, 12 * i), amount) for i, amount in enumerate(amounts)]


def check_schedule(convention: Convention, echeances: list[tuple[datetime.date, int]]) -> None:
    """Refuse (French message, field `echeances`) a schedule that does not sum exactly to the net subsidy."""
    if not echeances:
        refuse("L’échéancier doit comporter au moins une échéance.", field="echeances")
    if len(echeances) > MAX_ECHEANCES:
        refuse(f"L’échéancier ne peut pas dépasser {MAX_ECHEANCES} échéances.", field="echeances")
    for index, (date, amount) in enumerate(echeances, start=1):
        if date is None:
            refuse(f"Échéance {index} : indiquez sa date.", field="echeances")
        if amount is None or amount <= 0:
            refuse(f"Échéance {index} : le montant doit être positif.", field="echeances")
    dates = [date for date, _ in echeances]
    if dates != sorted(dates):
        refuse("Les échéances doivent être rangées par date.", field="echeances")
    total = sum(amount for _, amount in echeances)
    if total != convention.montant_net:
        refuse(
            f"Les échéances totalisent {euros(total)} alors que la subvention est de "
            f"{euros(convention.montant_net)} : l’écart est de {euros(total - convention.montant_net)}.",
            field="echeances",
        )


def write_schedule(convention: Convention, echeances: list[tuple[datetime.date, int]]) -> list[Versement]:
    check_schedule(convention, echeances)
    convention.versements.all().delete()
    return Versement.objects.bulk_create(
        Versement(convention=convention, numero=i, date_prevue=date, montant=amount)
        for i, (date, amount) in enumerate(echeances, start=1)
    )


@transaction.atomic
def versements_plan(
    *, actor: User, convention: Convention, echeances: list[tuple[datetime.date, int]], request=None
) -> list[Versement]:
    """The national team replaces a convention's schedule, as long as nothing has been mandated or paid."""
    if not permissions.can_manage_budget(actor):
        forbid("Seule l’équipe nationale établit les échéanciers de versement.")
    convention = lock_convention(convention)
    if not convention.signee:
        refuse("L’échéancier s’établit sur une convention signée.")
    if convention.versements.exclude(statut=StatutVersement.PREVU).exists():
        refuse("Une échéance est déjà mandatée ou payée : l’échéancier ne peut plus être remplacé.")
    before = [[v.date_prevue.isoformat(), v.montant] for v in convention.versements.all()]
    versements = write_schedule(convention, echeances)
    audit_log(
        actor=actor,
        action="financement.versements_plan",
        target=convention,
        before={"echeances": before},
        after={"echeances": [[d.isoformat(), a] for d, a in echeances]},
        request=request,
    )
    return versements


def _advance(*, actor: User, versement: Versement, target: str, date: datetime.date | None, request) -> Versement:
    if not permissions.can_manage_budget(actor):
        forbid("Seule l’équipe nationale mandate et paie les subventions.")
    convention = lock_convention(versement.convention_id)
    versement = Versement.objects.select_for_update().get(pk=versement.pk)
    if not convention.signee:
        refuse(
            f"La convention n° {convention.pk} n’est pas signée (statut « {convention.get_statut_display()} ») : "
            "aucun versement ne peut être mandaté ni payé."
        )
    if TRANSITIONS_VERSEMENT.get(versement.statut) != target:
        refuse(
            f"L’échéance {versement.numero} est « {versement.get_statut_display().lower()} » : elle ne peut pas "
            f"passer à « {StatutVersement(target).label.lower()} »."
        )
    before = {"statut": versement.statut}
    day = today_or(date)
    versement.statut = target
    if target == StatutVersement.MANDATE:
        versement.mandate_le = day
    else:
        if day < versement.mandate_le:
            refuse("La date de paiement ne peut pas précéder la date du mandat.", field="date")
        versement.paye_le = day
        pay(lock_enveloppe(convention.enveloppe_id), versement.montant)
    versement.save(update_fields=["statut", "mandate_le", "paye_le"])
    audit_log(
        actor=actor,
        action=f"financement.versement_{'mandate' if target == StatutVersement.MANDATE else 'pay'}",
        target=versement,
        before=before,
        after={"statut": target, "montant": versement.montant, "date": day.isoformat()},
        request=request,
    )
    return versement


@transaction.atomic
def versement_mandate(
    *, actor: User, versement: Versement, date: datetime.date | None = None, request=None
) -> Versement:
    """The national team issues the payment order of a planned instalment of a signed convention."""
    return _advance(actor=actor, versement=versement, target=StatutVersement.MANDATE, date=date, request=request)


@transaction.atomic
def versement_pay(*, actor: User, versement: Versement, date: datetime.date | None = None, request=None) -> Versement:
    """A mandated instalment is paid: the envelope's paid total grows by its amount."""
    return _advance(actor=actor, versement=versement, target=StatutVersement.PAYE, date=date, request=request)


def reduce_planned(convention: Convention, amount: int) -> int:
    """Take up to `amount` cents off the planned instalments, latest first (an emptied one is removed).

    Returns what could be taken: money already mandated or paid is never taken back here.
    """
    taken = 0
    for versement in convention.versements.filter(statut=StatutVersement.PREVU).order_by("-numero"):
        if taken == amount:
            break
        cut = min(versement.montant, amount - taken)
        taken += cut
        if cut == versement.montant:
            versement.delete()
        else:
            versement.montant -= cut
            versement.save(update_fields=["montant"])
    return taken


def planned_total(convention: Convention) -> int:
    return convention.versements.filter(statut=StatutVersement.PREVU).aggregate(s=Sum("montant"))["s"] or 0
